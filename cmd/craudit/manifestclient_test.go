package main

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/repo"
)

// writeManifestRepo lays out a manifest-profile repository for fw.bin.
func writeManifestRepo(t *testing.T, dir string, root, vendor *keys.PrivateKey, art []byte, counter uint64, version string) {
	t.Helper()
	h256, h512 := sha256.Sum256(art), sha512.Sum512(art)
	m := manifest.Manifest{Product: "thermostat", HardwareIDs: []string{"tx-100"}, Version: version, RollbackCounter: &counter,
		Timestamp: cmdRefTime.Add(-time.Hour), Expires: cmdRefTime.AddDate(0, 1, 0), UpdateType: "security",
		Artefacts: []manifest.Artefact{{Name: "fw.bin", Size: int64(len(art)), SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}}
	mb, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := vendor.Sign(mb)
	cb, cs, err := keys.Certify(root, vendor.Public(), keys.CertifyOptions{Scope: []string{"thermostat"}, NotBefore: cmdRefTime.AddDate(-1, 0, 0), NotAfter: cmdRefTime.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range map[string][]byte{"manifest.json": mb, "manifest.json.sig": ms, "keys/vendor.cert.json": cb,
		"keys/vendor.cert.json.sig": cs, "artefacts/fw.bin": art} {
		fp := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(fp), 0o755)
		if err := os.WriteFile(fp, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestManifestClient(t *testing.T) {
	root, _ := keys.Generate(keys.ECDSAP256)
	vendor, _ := keys.Generate(keys.ECDSAP256)
	dir := t.TempDir()
	writeManifestRepo(t, dir, root, vendor, []byte("v1.0.1\n"), 5, "1.0.1")
	s, err := repo.Serve(dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	trust := filepath.Join(t.TempDir(), "root.pub")
	os.WriteFile(trust, root.Public().MarshalPEM(), 0o644)
	state, out := t.TempDir(), t.TempDir()
	args := []string{"manifest-client", "--trust", trust, "--ca", s.CAPath, "--state", state, "--repo", s.URL,
		"--installed-version", "1.0.0", "--out", out, "--product", "thermostat", "--hardware-id", "tx-100",
		"--reference-time", cmdRefTime.Format(time.RFC3339), "update"}
	if got := run(args); got != 0 {
		t.Fatalf("update: exit %d", got)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "slot", "fw.bin")); string(b) != "v1.0.1\n" {
		t.Fatalf("slot holds %q", b)
	}
	// A validly signed but older release (lower counter) is refused and the
	// installed slot stays as it was.
	writeManifestRepo(t, dir, root, vendor, []byte("old!!!\n"), 4, "1.0.2")
	if got := run(args); got != 1 {
		t.Fatalf("rollback: exit %d, want 1", got)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "slot", "fw.bin")); string(b) != "v1.0.1\n" {
		t.Fatalf("slot changed to %q after a refused update", b)
	}
	// A tampered artefact is refused too.
	writeManifestRepo(t, dir, root, vendor, []byte("v1.0.3\n"), 6, "1.0.3")
	os.WriteFile(filepath.Join(dir, "artefacts", "fw.bin"), []byte("evil!!\n"), 0o644)
	if got := run(args); got != 1 {
		t.Fatalf("tampered artefact: exit %d, want 1", got)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "slot", "fw.bin")); string(b) != "v1.0.1\n" {
		t.Fatalf("slot changed to %q after a refused update", b)
	}
}
