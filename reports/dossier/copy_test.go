package dossier

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/manifestcheck"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/jsonreport"
)

const fw = bundle.ArtefactDir + "fw.bin"

// openJudged opens and judges a fresh minibundle; keep is VerifyOptions.KeepBytes.
func openJudged(t *testing.T, keep int64, damage func(dir string)) (*minibundle.Bundle, *checks.Input, *checks.Report) {
	t.Helper()
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if damage != nil {
		damage(mb.Dir)
	}
	b, err := bundle.Open(mb.Dir, bundle.VerifyOptions{Root: mb.Root.Public(), At: minibundle.At, KeepBytes: keep})
	if err != nil {
		t.Fatal(err)
	}
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	rep := checks.Run(context.Background(), manifestcheck.Checks(), in, checks.RunOptions{Tool: checks.Tool{Name: "craudit", Version: "test"}, TimeSource: "test"})
	return mb, in, rep
}

func write(mb *minibundle.Bundle, in *checks.Input, rep *checks.Report, out string) error {
	return Write(Options{Out: out, Input: in, Report: rep, Signer: mb.Vendor, Renderers: []reports.Renderer{jsonreport.Renderer{}}})
}

// TestEditAfterOpen: a bundle item edited after bundle.Open (same size) never
// reaches the dossier. Streamed from disk, the copy fails and nothing is
// written; kept in memory, the dossier carries the bytes that were verified.
func TestEditAfterOpen(t *testing.T) {
	tests := []struct {
		name    string
		keep    int64
		wantErr bool
	}{
		{"streamed item", -1, true},
		{"kept item", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mb, in, rep := openJudged(t, tc.keep, nil)
			want, err := os.ReadFile(in.Bundle.Path(fw))
			if err != nil {
				t.Fatal(err)
			}
			flipByte(in.Bundle.Path(fw)) // same size, after Open
			if _, err := in.Bundle.Read(fw); tc.wantErr == (err == nil) {
				t.Fatalf("Read after the edit: %v", err)
			}
			out := filepath.Join(t.TempDir(), "dossier")
			err = write(mb, in, rep, out)
			if !tc.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				got, _ := os.ReadFile(filepath.Join(out, BundleDir, fw))
				if !bytes.Equal(got, want) {
					t.Fatal("the dossier carries the edited bytes, not the verified ones")
				}
				if v, err := Verify(out, mb.Vendor.Public()); err != nil || !v.OK() {
					t.Fatalf("dossier does not verify: %v %+v", err, v)
				}
				return
			}
			var ce *bundle.ChangedError
			if !errors.As(err, &ce) || ce.Path != fw || !strings.Contains(err.Error(), fw) {
				t.Fatalf("Write of a bundle changed after Open: %v, want a *bundle.ChangedError naming %s", err, fw)
			}
			if _, err := os.Lstat(out); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a failed Write left %s behind: %v", out, err)
			}
			if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
				t.Fatalf("a failed Write left %d entries beside the destination", len(left))
			}
		})
	}
}

// TestTamperedBeforeOpen: a bundle damaged before it was judged is still
// documented (the results say what is wrong), but the dossier carries only
// bytes that match the signed index.
func TestTamperedBeforeOpen(t *testing.T) {
	mb, in, rep := openJudged(t, 0, func(dir string) { flipByte(filepath.Join(dir, filepath.FromSlash(fw))) })
	if in.Bundle.OK() || rep.ExitCode() != 1 {
		t.Fatalf("a tampered bundle judged: ok %v, exit %d", in.Bundle.OK(), rep.ExitCode())
	}
	out := filepath.Join(t.TempDir(), "dossier")
	if err := write(mb, in, rep, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(out, BundleDir, fw)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the tampered artefact was copied into the dossier: %v", err)
	}
	for _, p := range []string{bundle.IndexFile, bundle.IndexSigFile, bundle.ManifestFile} {
		got, err := os.ReadFile(filepath.Join(out, BundleDir, p))
		want, _ := os.ReadFile(filepath.Join(mb.Dir, p))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: not copied as verified: %v", p, err)
		}
	}
	sums, _ := os.ReadFile(filepath.Join(out, SumsFile))
	if !bytes.Contains(sums, []byte(BundleDir+bundle.ManifestFile)) || bytes.Contains(sums, []byte(fw)) {
		t.Error("SHA256SUMS lists the tampered artefact")
	}
	if v, err := Verify(out, mb.Vendor.Public()); err != nil || !v.OK() {
		t.Fatalf("the dossier of a tampered bundle does not verify as a dossier: %v %+v", err, v)
	}
}
