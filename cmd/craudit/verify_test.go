package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/repo"
)

var cmdRefTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// tufRepoDir generates a TUF repository with target fw.bin.
func tufRepoDir(t *testing.T) (string, *repo.TUFRepo) {
	t.Helper()
	ks := map[string]crypto.Signer{}
	for _, r := range repo.TopLevelRoles {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		ks[r] = k
	}
	r, err := repo.NewTUFRepo(cmdRefTime.Add(-time.Hour), repo.DefaultExpiry, ks, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddTarget("targets", "fw.bin", []byte("firmware\n")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	return dir, r
}

func TestVerifyExitCodes(t *testing.T) {
	dir, _ := tufRepoDir(t)
	s, err := repo.Serve(dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	trust := filepath.Join(dir, "metadata", "1.root.json")
	at := cmdRefTime.Format(time.RFC3339)
	out := filepath.Join(t.TempDir(), "t.json")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"verified", []string{"verify", "--repo", s.URL, "--trust", trust, "--ca", s.CAPath, "--target", "fw.bin", "--reference-time", at, "--format", "json", "--out", out}, 0},
		{"out exists without force", []string{"verify", "--repo", s.URL, "--trust", trust, "--ca", s.CAPath, "--reference-time", at, "--out", out}, 2},
		{"expired", []string{"verify", "--repo", s.URL, "--trust", trust, "--ca", s.CAPath, "--reference-time", "2030-01-01T00:00:00Z"}, 1},
		{"unknown target", []string{"verify", "--repo", s.URL, "--trust", trust, "--ca", s.CAPath, "--target", "nope", "--reference-time", at}, 1},
		{"wrong profile", []string{"verify", "--repo", s.URL, "--trust", trust, "--ca", s.CAPath, "--profile", "manifest", "--reference-time", at}, 2},
		{"missing trust", []string{"verify", "--repo", s.URL, "--trust", filepath.Join(dir, "none.json")}, 2},
		{"bad reference time", []string{"verify", "--repo", s.URL, "--trust", trust, "--reference-time", "yesterday"}, 2},
		{"unreachable", []string{"verify", "--repo", "https://127.0.0.1:1", "--trust", trust, "--reference-time", at}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := runCode(tc.args); got != tc.want {
				t.Fatalf("exit %d, want %d", got, tc.want)
			}
		})
	}
	if b, err := os.ReadFile(out); err != nil || len(b) == 0 {
		t.Fatalf("--out not written: %v", err)
	}
}

// TestTUFClientProtocol drives tuf-client the way tuf-conformance does:
// plain http, time from SOURCE_DATE_EPOCH, non-versioned files in the
// metadata directory.
func TestTUFClientProtocol(t *testing.T) {
	dir, r := tufRepoDir(t)
	var targetGets atomic.Int64
	fs := http.FileServer(http.Dir(dir))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/targets/") {
			targetGets.Add(1)
		}
		fs.ServeHTTP(w, r)
	}))
	defer hs.Close()
	t.Setenv("SOURCE_DATE_EPOCH", fmt.Sprint(cmdRefTime.Unix()))
	md, outDir := t.TempDir(), t.TempDir()
	base := []string{"tuf-client", "--metadata-dir", md}
	refresh := append(append([]string{}, base...), "--metadata-url", hs.URL+"/metadata", "refresh")
	download := append(append([]string{}, base...), "--metadata-url", hs.URL+"/metadata",
		"--target-name", "fw.bin", "--target-base-url", hs.URL+"/targets/", "--target-dir", outDir, "download")

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{}"), 0o644)
	if got := runCode(append(append([]string{}, base...), "init", bad)); got != 1 {
		t.Fatalf("init with a bad root: exit %d, want 1", got)
	}
	if got := runCode(append(append([]string{}, base...), "init", filepath.Join(dir, "metadata", "1.root.json"))); got != 0 {
		t.Fatalf("init: exit %d", got)
	}
	if got := runCode(refresh); got != 0 {
		t.Fatalf("refresh: exit %d", got)
	}
	for _, f := range []string{"root.json", "timestamp.json", "snapshot.json", "targets.json"} {
		if _, err := os.Stat(filepath.Join(md, f)); err != nil {
			t.Errorf("refresh did not keep %s: %v", f, err)
		}
	}
	if got := runCode(download); got != 0 {
		t.Fatalf("download: exit %d", got)
	}
	if b, err := os.ReadFile(filepath.Join(outDir, "fw.bin")); err != nil || string(b) != "firmware\n" {
		t.Fatalf("downloaded target: %q %v", b, err)
	}
	// A second download finds the verified copy and does not fetch it; a
	// corrupted copy is fetched again.
	if got := runCode(download); got != 0 {
		t.Fatalf("cached download: exit %d", got)
	}
	if n := targetGets.Load(); n != 1 {
		t.Fatalf("%d target downloads, want 1 (the second is cached)", n)
	}
	os.WriteFile(filepath.Join(outDir, "fw.bin"), []byte("garbage\n"), 0o644)
	if got := runCode(download); got != 0 {
		t.Fatalf("download over a corrupted copy: exit %d", got)
	}
	if b, _ := os.ReadFile(filepath.Join(outDir, "fw.bin")); string(b) != "firmware\n" {
		t.Fatalf("corrupted copy not replaced: %q", b)
	}
	// A newer timestamp, then the old one again: rollback across invocations.
	old, _ := os.ReadFile(filepath.Join(dir, "metadata", "timestamp.json"))
	r.Timestamp.Signed.Version = 2
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	if got := runCode(refresh); got != 0 {
		t.Fatalf("refresh to v2: exit %d", got)
	}
	os.WriteFile(filepath.Join(dir, "metadata", "timestamp.json"), old, 0o644)
	if got := runCode(refresh); got != 1 {
		t.Fatalf("refresh after rollback: exit %d, want 1", got)
	}
	// Faked time in the far future: expired.
	t.Setenv("SOURCE_DATE_EPOCH", fmt.Sprint(cmdRefTime.AddDate(3, 0, 0).Unix()))
	r.Timestamp.Signed.Version = 3
	r.Write(dir)
	if got := runCode(refresh); got != 1 {
		t.Fatalf("refresh when expired: exit %d, want 1", got)
	}
}
