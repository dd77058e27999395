package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
)

// TestVerifyResolve: `verify --resolve` reaches a loopback server under a
// declared name; the JSON transcript names the declared URL, the address
// really dialled, the rule and the leaf certificate's SHA-256. A malformed
// rule cannot run (exit 2); a certificate without the name fails (exit 1).
func TestVerifyResolve(t *testing.T) {
	const name = "updates.verify-test.example"
	dir, _ := tufRepoDir(t)
	s, err := repo.Serve(dir, "", "", name)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addr := strings.TrimPrefix(s.URL, "https://")
	rule := name + ":443:" + addr
	trust := filepath.Join(dir, "metadata", "1.root.json")
	at := cmdRefTime.Format(time.RFC3339)
	out := filepath.Join(t.TempDir(), "t.json")
	if code := runCode([]string{"verify", "--repo", "https://" + name, "--resolve", rule, "--trust", trust, "--ca", s.CAPath,
		"--target", "fw.bin", "--reference-time", at, "--format", "json", "--out", out}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var tr struct {
		Repository string               `json:"repository"`
		Contacted  *transcript.Endpoint `json:"contacted"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: name, InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	leaf := sha256.Sum256(conn.ConnectionState().PeerCertificates[0].Raw)
	conn.Close()
	if c := tr.Contacted; tr.Repository != "https://"+name || c == nil || c.Address != addr || c.Resolve != rule || c.TLSLeafSHA256 != hex.EncodeToString(leaf[:]) {
		t.Errorf("transcript of %s, contacted %+v", tr.Repository, tr.Contacted)
	}
	if code := runCode([]string{"verify", "--repo", "https://" + name, "--resolve", name + ":443:nowhere", "--trust", trust, "--reference-time", at}); code != 2 {
		t.Errorf("malformed --resolve: exit %d, want 2", code)
	}
	plain, err := repo.Serve(dir, "", "") // a certificate for 127.0.0.1 and localhost only
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if code := runCode([]string{"verify", "--repo", "https://" + name, "--resolve", name + ":443:" + strings.TrimPrefix(plain.URL, "https://"),
		"--trust", trust, "--ca", plain.CAPath, "--reference-time", at}); code != 1 {
		t.Errorf("certificate without the declared name: exit %d, want 1", code)
	}
}
