package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDossierOfTamperedBundle: a bundle changed before `dossier` runs is
// judged (exit 1) and documented, but the dossier carries only bytes that
// match the signed index. (A change after the bundle was verified makes the
// dossier fail with exit 1 and write nothing: reports/dossier TestEditAfterOpen.)
func TestDossierOfTamperedBundle(t *testing.T) {
	in := newReleaseInputs(t)
	dir := filepath.Join(t.TempDir(), "bundle")
	if code, _, stderr := craudit(t, in.bundleArgs(dir, nil)...); code != 0 {
		t.Fatalf("bundle: exit %d: %s", code, stderr)
	}
	flip(t, filepath.Join(dir, "artefacts", "firmware.bin"))
	out := filepath.Join(t.TempDir(), "dossier")
	code, _, stderr := craudit(t, "dossier", dir, "--out", out, "--trust", in.root, "--signing-key", in.key, "--key-cert", in.cert)
	if code != 1 {
		t.Fatalf("dossier of a tampered bundle: exit %d, want 1: %s", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(out, "evidence/bundle/artefacts/firmware.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the tampered artefact was copied into the dossier: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "evidence/bundle/manifest.json")); err != nil {
		t.Errorf("the verified items are missing from the dossier: %v", err)
	}
	if code, _, stderr := craudit(t, "dossier", "verify", out, "--trust", in.root); code != 0 {
		t.Errorf("dossier verify: exit %d: %s", code, stderr)
	}
}
