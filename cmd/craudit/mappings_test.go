package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
)

// runCmd runs the CLI in-process and returns stdout, stderr and the exit code.
func runCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	root := newRoot()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	code := 0
	if err := root.Execute(); err != nil {
		code = 2
		if ee, ok := err.(*cli.ExitError); ok {
			code = ee.Code
		}
	}
	return out.String(), errb.String(), code
}

func TestMappingsJSON(t *testing.T) {
	out, _, code := runCmd(t, "mappings", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var l mappings.Listing
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	byID := map[string]mappings.ListedEntry{}
	for _, e := range l.Entries {
		byID[e.ID] = e
		if e.Source == "" || e.Edition == "" || (e.Known && (e.Title == "" || e.Text == "")) {
			t.Errorf("%s: incomplete entry %+v", e.ID, e)
		}
	}
	if e := byID["cra/art-13/8"]; !strings.Contains(strings.Join(e.Checks, ","), "product/support-period") {
		t.Errorf("cra/art-13/8 checks = %v", e.Checks)
	}
	if e := byID["enisa/rec/unknown-01"]; e.Known || e.ID == "" {
		t.Errorf("unknown placeholder = %+v", e)
	}
	for _, c := range l.Checks {
		if c.Basis != "cra" && c.Basis != "practice" {
			t.Errorf("%s: basis %q", c.ID, c.Basis)
		}
	}
}

func TestMappingsErrors(t *testing.T) {
	for _, args := range [][]string{{"mappings", "--catalogue", "nope"}, {"mappings", "--format", "xml"}, {"mappings", "extra"}} {
		if _, _, code := runCmd(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	out, _, code := runCmd(t, "mappings", "--catalogue", "stride")
	if code != 0 || !strings.Contains(out, "stride/e  Elevation of privilege") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

func TestInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "assessment")
	if _, errOut, code := runCmd(t, "init", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, _, err := product.LoadProduct(filepath.Join(dir, "product.yaml")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "answers.yaml"))
	os.WriteFile(filepath.Join(dir, "answers.yaml"), []byte("declarations: []\n"), 0o644)
	if _, _, code := runCmd(t, "init", dir); code != 2 {
		t.Fatal("second init: want exit 2 (refuses to overwrite)")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "answers.yaml")); string(b) != "declarations: []\n" {
		t.Error("init overwrote a file without --force")
	}
	if _, _, code := runCmd(t, "init", dir, "--force"); code != 0 {
		t.Fatalf("init --force: exit %d", code)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "answers.yaml")); !bytes.Equal(b, before) {
		t.Error("init --force did not rewrite answers.yaml")
	}
}
