package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/fixtures/osvdb"
)

func osvZip(t *testing.T, recs map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range recs {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDBStatus: exit 0 for a database that serves the SBOM, 1 when an
// ecosystem it needs is missing, empty or undated, 2 when it cannot run.
func TestDBStatus(t *testing.T) {
	db := t.TempDir()
	if err := osvdb.WriteDB(db); err != nil {
		t.Fatal(err)
	}
	// This test's database lacks Debian (the fixture ships two Debian records).
	if err := os.RemoveAll(filepath.Join(db, "osv-scalibr", "Debian")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	alpine := filepath.Join(dir, "alpine.cdx.json")
	write(t, alpine, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"a","type":"library","name":"busybox","version":"1.36.1-r16","purl":"pkg:apk/alpine/busybox@1.36.1-r16"}]}`))
	debian := filepath.Join(dir, "debian.cdx.json")
	write(t, debian, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"d","type":"library","name":"curl","version":"7","purl":"pkg:deb/debian/curl@7"}]}`))
	ref := "--reference-time=2026-09-01T00:00:00Z"
	code, stdout, stderr := craudit(t, "db", "status", "--osv-db", db, "--sbom", alpine, ref, "--format", "json")
	if code != 0 {
		t.Fatalf("alpine: exit %d: %s", code, stderr)
	}
	var st struct {
		Records    int
		Ecosystems []struct {
			Name    string
			AgeDays *int `json:"age_days"`
		}
		Needed []struct{ Ecosystem, State string }
	}
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	if st.Records != 4 || len(st.Ecosystems) != 2 || st.Ecosystems[0].AgeDays == nil || *st.Ecosystems[0].AgeDays != 24 ||
		len(st.Needed) != 1 || st.Needed[0].State != "ok" {
		t.Errorf("status %s", stdout)
	}
	if code, stdout, _ := craudit(t, "db", "status", "--osv-db", db, "--sbom", debian, ref); code != 1 || !strings.Contains(stdout, "Debian") {
		t.Errorf("debian: exit %d: %s", code, stdout)
	}
	write(t, filepath.Join(db, "osv-scalibr", "Debian", "all.zip"), osvZip(t, nil))
	if code, stdout, _ := craudit(t, "db", "status", "--osv-db", db, "--sbom", debian, ref); code != 1 || !strings.Contains(stdout, "empty") {
		t.Errorf("empty Debian: exit %d: %s", code, stdout)
	}
	for _, args := range [][]string{
		{"db", "status"},
		{"db", "status", "--osv-db", filepath.Join(dir, "nope")},
		{"db", "status", "--osv-db", db, "--sbom", filepath.Join(dir, "nope.json")},
	} {
		if code, _, _ := craudit(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, _, _ := craudit(t, "db", "status", "--osv-db", t.TempDir()); code != 1 {
		t.Errorf("empty folder: exit %d, want 1", code)
	}
}

func TestDBImport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "osv-db")
	dir := t.TempDir()
	good := filepath.Join(dir, "Debian-all.zip")
	write(t, good, osvZip(t, map[string]string{"DSA-1.json": `{"id":"DSA-1","modified":"2026-08-01T00:00:00Z","affected":[{"package":{"ecosystem":"Debian:12","name":"curl"}}]}`}))
	if code, _, stderr := craudit(t, "db", "import", "--osv-db", db, good); code != 0 || !strings.Contains(stderr, "Debian: 1 records added") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	bad := filepath.Join(dir, "truncated.zip")
	b, _ := os.ReadFile(good)
	write(t, bad, b[:len(b)/2])
	code, _, stderr := craudit(t, "db", "import", "--osv-db", db, bad)
	if code != 2 || !strings.Contains(stderr, bad) {
		t.Errorf("truncated zip: exit %d: %s", code, stderr)
	}
	wantOneLine(t, "truncated zip", stderr)
}

// TestDBUpdateFromLoopbackMirror downloads from an HTTPS mirror on
// loopback, trusted through --ca.
func TestDBUpdateFromLoopbackMirror(t *testing.T) {
	zipBody := osvZip(t, map[string]string{"ALPINE-CVE-1.json": `{"id":"ALPINE-CVE-1","modified":"2026-08-01T00:00:00Z","affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"busybox"}}]}`})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/osv/Alpine/all.zip":
			w.Write(zipBody)
		case "/osv/Go/all.zip":
			w.Write([]byte("<html>not a zip</html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	write(t, ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	db := filepath.Join(dir, "osv-db")
	base := srv.URL + "/osv"
	code, _, stderr := craudit(t, "db", "update", "--osv-db", db, "--ecosystem", "Alpine", "--base-url", base, "--ca", ca)
	if code != 0 || !strings.Contains(stderr, "Alpine: 1 records") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(db, "osv-scalibr", "Alpine", "all.zip")); !bytes.Equal(got, zipBody) {
		t.Error("Alpine/all.zip is not the mirror's")
	}
	for name, args := range map[string][]string{
		"not a zip":     {"--ecosystem", "Go", "--base-url", base, "--ca", ca},
		"not found":     {"--ecosystem", "npm", "--base-url", base, "--ca", ca},
		"untrusted":     {"--ecosystem", "Alpine", "--base-url", base},
		"plain http":    {"--ecosystem", "Alpine", "--base-url", "http://127.0.0.1:1/osv"},
		"bad ecosystem": {"--ecosystem", "../../etc", "--base-url", base, "--ca", ca},
		"no ecosystem":  {"--base-url", base},
	} {
		code, _, stderr := craudit(t, append([]string{"db", "update", "--osv-db", db}, args...)...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", name, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(db, "osv-scalibr", "Go", "all.zip")); !os.IsNotExist(err) {
		t.Errorf("a download that is not a zip left Go/all.zip (%v)", err)
	}
}

// TestDebianAgainstEmptyDatabase is the case through the commands:
// a bundle of four Debian packages scanned against a database whose Debian
// all.zip is empty is made (the scan ran), and `check` fails
// vuln/scan-present naming the four packages; waived with the finding IDs
// (required: only that check), the gate opens.
func TestDebianAgainstEmptyDatabase(t *testing.T) {
	in := newReleaseInputs(t)
	pkgs := []string{"openssl@3.0.15-1~deb12u1", "libc6@2.36-9+deb12u9", "curl@7.88.1-10+deb12u8", "zlib1g@1:1.2.13.dfsg-1"}
	var comps []string
	for i, p := range pkgs {
		name, ver, _ := strings.Cut(p, "@")
		comps = append(comps, `{"bom-ref":"deb`+string(rune('0'+i))+`","type":"library","name":"`+name+`","version":"`+ver+`","purl":"pkg:deb/debian/`+name+`@`+ver+`"}`)
	}
	sb := filepath.Join(in.dir, "debian.cdx.json")
	write(t, sb, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[`+strings.Join(comps, ",")+`]}`))
	db := filepath.Join(in.dir, "osv-db")
	write(t, filepath.Join(db, "osv-scalibr", "Debian", "all.zip"), osvZip(t, nil))
	out := filepath.Join(t.TempDir(), "bundle")
	if code, _, stderr := craudit(t, in.bundleArgs(out, nil, "--sbom", sb, "--osv-db", db)...); code != 0 {
		t.Fatalf("bundle: exit %d: %s", code, stderr)
	}
	policy := filepath.Join(in.dir, "policy.yaml")
	write(t, policy, []byte("required: [vuln/scan-present]\n"))
	code, stdout, stderr := craudit(t, "check", out, "--trust", in.root, "--policy", policy, "--format", "json")
	if code != 1 {
		t.Fatalf("check: exit %d, want 1: %s", code, stderr)
	}
	var rep struct {
		Results []struct {
			Check, Status, Message string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if r.Check != "vuln/scan-present" {
			continue
		}
		if r.Status != "fail" || !strings.Contains(r.Message, "4 not scanned: curl 7.88.1-10+deb12u8, libc6 2.36-9+deb12u9, openssl 3.0.15-1~deb12u1, zlib1g 1:1.2.13.dfsg-1") {
			t.Errorf("scan-present: %s %s", r.Status, r.Message)
		}
	}
	var w strings.Builder
	w.WriteString("required: [vuln/scan-present]\nwaivers:\n")
	for _, p := range pkgs {
		w.WriteString("  - id: \"vuln/scan-present#pkg:deb/debian/" + p + "\"\n    justification: Debian advisories are tracked by hand until the mirror is set up\n    approver: Security officer\n    expires: 2099-01-01\n")
	}
	write(t, policy, []byte(w.String()))
	if code, stdout, stderr := craudit(t, "check", out, "--trust", in.root, "--policy", policy); code != 0 || !strings.Contains(stdout, "waived by policy") {
		t.Errorf("waived: exit %d: %s%s", code, stdout, stderr)
	}
}
