package dossier

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/manifestcheck"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/html"
	"github.com/craudit/craudit/reports/jsonreport"
)

func writeDossier(t *testing.T, out string) *minibundle.Bundle {
	t.Helper()
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	in.Live["live/transcript.json"] = []byte(`{"schema":"test transcript"}`)
	rep := checks.Run(context.Background(), manifestcheck.Checks(), in, checks.RunOptions{Tool: checks.Tool{Name: "craudit", Version: "test"}, TimeSource: "test"})
	err = Write(Options{Out: out, Input: in, Report: rep, Signer: mb.Vendor,
		Renderers: []reports.Renderer{html.Renderer{}, jsonreport.Renderer{}}})
	if err != nil {
		t.Fatal(err)
	}
	return mb
}

func TestWriteAndVerify(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dossier")
	mb := writeDossier(t, out)
	for _, f := range []string{"index.html", "results.json", SumsFile, SumsSigFile, SignerPub, "evidence/bundle/bundle.json",
		"evidence/bundle/manifest.json", "evidence/live/transcript.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("dossier lacks %s", f)
		}
	}
	v, err := Verify(out, mb.Vendor.Public())
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() || !v.Authenticated {
		t.Fatalf("fresh dossier does not verify: %+v", v)
	}
	v, _ = Verify(out, nil)
	if !v.OK() || v.Authenticated || !strings.Contains(v.How, "not authenticated") {
		t.Fatalf("without --trust the signer must be reported unauthenticated: %+v", v)
	}
	other, _ := keys.FromSeed(keys.ECDSAP256, []byte("other"))
	if v, _ = Verify(out, other.Public()); v.OK() {
		t.Fatal("dossier verified against an unrelated trust key")
	}
	results, _ := os.ReadFile(filepath.Join(out, "results.json"))
	if !bytes.Contains(results, []byte(`"path": "bundle/manifest.json"`)) {
		t.Error("results.json evidence paths are not relative to the dossier's evidence/ folder")
	}
}

func TestVerifyDetectsChanges(t *testing.T) {
	tests := []struct {
		name   string
		damage func(dir string)
	}{
		{"flipped evidence byte", func(d string) { flipByte(filepath.Join(d, "evidence/bundle/artefacts/fw.bin")) }},
		{"flipped report byte", func(d string) { flipByte(filepath.Join(d, "index.html")) }},
		{"removed evidence", func(d string) { os.Remove(filepath.Join(d, "evidence/live/transcript.json")) }},
		{"extra file", func(d string) { os.WriteFile(filepath.Join(d, "evidence/new.txt"), []byte("x"), 0o644) }},
		{"changed sums", func(d string) { flipByte(filepath.Join(d, SumsFile)) }},
		{"symlink", func(d string) { os.Symlink("/etc/hostname", filepath.Join(d, "evidence/link")) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dossier")
			mb := writeDossier(t, out)
			tc.damage(out)
			v, err := Verify(out, mb.Vendor.Public())
			if err != nil {
				t.Fatal(err)
			}
			if v.OK() {
				t.Fatal("damaged dossier verified")
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	writeDossier(t, a)
	writeDossier(t, b)
	for _, f := range []string{"index.html", "results.json"} {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs on the same inputs:\n%s\n----\n%s", f, x[:min(len(x), 3000)], y[:min(len(y), 3000)])
		}
	}
}

func TestRefusesExisting(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dossier")
	writeDossier(t, out)
	mb, _ := minibundle.Write(t.TempDir(), minibundle.Options{})
	b := mb.Open(t)
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	err := Write(Options{Out: out, Input: in, Report: &checks.Report{}, Signer: mb.Vendor})
	if err == nil {
		t.Fatal("existing dossier overwritten without force")
	}
}

func flipByte(p string) {
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 1
	os.WriteFile(p, b, 0o644)
}
