package dossier

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/manifestcheck"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/markdown"
)

// A paperwork folder, one of its files in a signed subfolder, is enclosed
// under paperwork/, pinned by SHA256SUMS and listed in the dossier.
func TestPaperworkIsEnclosedAndVerified(t *testing.T) {
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pw := filepath.Join(t.TempDir(), "paperwork")
	if err := os.MkdirAll(pw, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pw, "art14-CVE-1-early-warning.json"), []byte(`{"draft":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	decl := filepath.Join(pw, "declaration")
	if err := WriteSigned(decl, false, map[string][]byte{"declaration-of-conformity.md": []byte("# EU declaration of conformity\n")}, mb.Vendor, ""); err != nil {
		t.Fatal(err)
	}
	if v, err := Verify(decl, mb.Vendor.Public()); err != nil || !v.OK() || !v.Authenticated || v.Files != 2 {
		t.Fatalf("signed folder: %+v %v", v, err)
	}
	files, err := ReadPaperwork(pw)
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	rep := checks.Run(context.Background(), manifestcheck.Checks(), in, checks.RunOptions{Tool: checks.Tool{Name: "craudit", Version: "test"}, TimeSource: "test"})
	out := filepath.Join(t.TempDir(), "dossier")
	if err := Write(Options{Out: out, Input: in, Report: rep, Signer: mb.Vendor, Renderers: []reports.Renderer{markdown.Renderer{}}, Paperwork: files}); err != nil {
		t.Fatal(err)
	}
	sums, _ := os.ReadFile(filepath.Join(out, SumsFile))
	for _, f := range []string{"paperwork/art14-CVE-1-early-warning.json", "paperwork/declaration/SHA256SUMS.sig", "paperwork/declaration/declaration-of-conformity.md"} {
		if !strings.Contains(string(sums), "  "+f+"\n") {
			t.Errorf("SHA256SUMS does not list %s", f)
		}
	}
	md, _ := os.ReadFile(filepath.Join(out, "dossier.md"))
	if !strings.Contains(string(md), "## CRA paperwork") || !strings.Contains(string(md), "paperwork/declaration/declaration-of-conformity.md") ||
		!strings.Contains(string(md), "`paperwork/declaration/SHA256SUMS.sig`](paperwork/declaration/SHA256SUMS.sig) (cited by path") {
		t.Errorf("dossier.md does not list the paperwork:\n%s", md)
	}
	if v, err := Verify(out, mb.Vendor.Public()); err != nil || !v.OK() {
		t.Fatalf("dossier: %+v %v", v, err)
	}
	// dossier verify covers the enclosed paperwork.
	if err := os.WriteFile(filepath.Join(out, "paperwork/art14-CVE-1-early-warning.json"), []byte(`{"draft":false}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, _ := Verify(out, mb.Vendor.Public()); v.OK() || !strings.Contains(strings.Join(v.Problems, "\n"), "paperwork/art14-CVE-1-early-warning.json") {
		t.Errorf("changed paperwork not found: %+v", v.Problems)
	}
}

func TestReadPaperworkRefusesSymlinks(t *testing.T) {
	pw := t.TempDir()
	if err := os.Symlink("/etc/passwd", filepath.Join(pw, "advisory.json")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := ReadPaperwork(pw); err == nil || !strings.Contains(err.Error(), "advisory.json") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ReadPaperwork(filepath.Join(pw, "absent")); err == nil {
		t.Fatal("absent folder accepted")
	}
}
