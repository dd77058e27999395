package main

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/repo"
)

// TestRepoPublishAndVerify: repo publish, then verify in both profiles, as
// the demo does, through the command line.
func TestRepoPublishAndVerify(t *testing.T) {
	root, _ := keys.Generate(keys.ECDSAP256)
	vendor, _ := keys.Generate(keys.ECDSAP256)
	art := []byte("thermostat firmware 1.0.1\n")
	h256, h512 := sha256.Sum256(art), sha512.Sum512(art)
	c := uint64(2)
	m := manifest.Manifest{Product: "thermostat", HardwareIDs: []string{"tx-100"}, Version: "1.0.1", RollbackCounter: &c,
		Timestamp: cmdRefTime.Add(-time.Hour), Expires: cmdRefTime.AddDate(0, 1, 0), UpdateType: "security",
		Artefacts: []manifest.Artefact{{Name: "fw.bin", Size: int64(len(art)), SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}}
	mb, _ := m.Marshal()
	ms, _ := vendor.Sign(mb)
	cb, cs, err := keys.Certify(root, vendor.Public(), keys.CertifyOptions{Scope: []string{"thermostat"}, NotBefore: cmdRefTime.AddDate(-1, 0, 0), NotAfter: cmdRefTime.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	bdir := filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(bdir, false)
	if err != nil {
		t.Fatal(err)
	}
	for p, d := range map[string][]byte{bundle.ManifestFile: mb, bundle.ManifestSig: ms, bundle.VendorCert: cb, bundle.VendorCertSig: cs,
		bundle.SignerKey: vendor.Public().MarshalPEM(), "artefacts/fw.bin": art} {
		role := bundle.RoleArtefact
		if p != "artefacts/fw.bin" {
			role = bundle.RoleManifest
		}
		if _, err := w.AddBytes(p, role, "application/octet-stream", d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Finish(bundle.Index{Schema: bundle.Schema}, vendor); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "")
	rdir := filepath.Join(t.TempDir(), "repo")
	kdir := filepath.Join(t.TempDir(), "keys")
	if got := runCode([]string{"repo", "publish", bdir, rdir, "--keys", kdir}); got != 2 {
		t.Fatalf("--keys without --tuf: exit %d, want 2", got)
	}
	if got := runCode([]string{"repo", "publish", bdir, rdir, "--tuf", "--keys", kdir}); got != 0 {
		t.Fatalf("publish: exit %d", got)
	}
	if got := runCode([]string{"repo", "publish", bdir, rdir, "--tuf", "--keys", kdir}); got != 2 {
		t.Fatalf("publish over an existing repository without --force: exit %d, want 2", got)
	}
	if got := runCode([]string{"repo", "publish", bdir, rdir, "--tuf", "--keys", kdir, "--force"}); got != 0 {
		t.Fatalf("publish --force: exit %d", got)
	}
	s, err := repo.Serve(rdir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rootPub := filepath.Join(t.TempDir(), "root.pub")
	os.WriteFile(rootPub, root.Public().MarshalPEM(), 0o644)
	// verify judges at the wall clock, never at SOURCE_DATE_EPOCH (which a
	// build may set to any date).
	t.Setenv("SOURCE_DATE_EPOCH", "2208988800") // 2040
	if got := runCode([]string{"verify", "--repo", s.URL, "--ca", s.CAPath, "--trust", filepath.Join(rdir, "metadata", "1.root.json"), "--target", "fw.bin"}); got != 0 {
		t.Fatalf("verify TUF: exit %d", got)
	}
	// The manifest was stamped an hour before cmdRefTime: judge it then.
	at := cmdRefTime.Format(time.RFC3339)
	if got := runCode([]string{"verify", "--repo", s.URL, "--ca", s.CAPath, "--trust", rootPub, "--reference-time", at,
		"--product", "thermostat", "--hardware-id", "tx-100", "--installed-version", "1.0.0"}); got != 0 {
		t.Fatalf("verify manifest: exit %d", got)
	}
	// Uptane: a Director for a unit of two ECUs and an Image repository,
	// served and verified with the uptane profile.
	udir, ukeys := filepath.Join(t.TempDir(), "uptane-repo"), filepath.Join(t.TempDir(), "uptane-keys")
	t.Setenv("SOURCE_DATE_EPOCH", "")
	for _, bad := range [][]string{
		{"--uptane", "--keys", ukeys},                                    // no ECU
		{"--uptane", "--keys", ukeys, "--ecu", "main-1"},                 // no hardware ID
		{"--uptane", "--ecu", "main-1=tx-100"},                           // no keys
		{"--ecu", "main-1=tx-100", "--keys", ukeys},                      // --ecu without --uptane
		{"--uptane", "--keys", ukeys, "--ecu", "wifi-1=wifi-7"},          // no ECU the release is for
		{"--uptane", "--keys", ukeys, "--ecu", "main-1=tx-100=nope.bin"}, // no such artefact
	} {
		if got := runCode(append([]string{"repo", "publish", bdir, udir}, bad...)); got != 2 {
			t.Errorf("publish %v: exit %d, want 2", bad, got)
		}
		if _, err := os.Stat(udir); err == nil {
			t.Fatalf("publish %v wrote %s", bad, udir)
		}
	}
	if got := runCode([]string{"repo", "publish", bdir, udir, "--uptane", "--keys", ukeys, "--ecu", "main-1=tx-100", "--ecu", "wifi-1=wifi-7"}); got != 0 {
		t.Fatalf("publish --uptane: exit %d", got)
	}
	us, err := repo.Serve(udir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer us.Close()
	uverify := []string{"verify", "--profile", "uptane", "--ca", us.CAPath, "--director", us.URL + "/" + repo.UptaneDirectorDir,
		"--image-repo", us.URL + "/" + repo.UptaneImageDir, "--director-trust", filepath.Join(udir, filepath.FromSlash(repo.UptaneDirectorRoot)),
		"--image-trust", filepath.Join(udir, filepath.FromSlash(repo.UptaneImageRoot)), "--ecu", "main-1=tx-100", "--ecu", "wifi-1=wifi-7"}
	if got := runCode(uverify); got != 0 {
		t.Fatalf("verify --profile uptane: exit %d", got)
	}
	// The Director names an ECU this unit does not have: a finding (exit 1).
	if got := runCode(append(uverify[:len(uverify)-4:len(uverify)-4], "--ecu", "main-2=tx-100")); got != 1 {
		t.Fatalf("verify --profile uptane for another unit: exit %d, want 1", got)
	}
	// A changed bundle is refused by publish (producing command: exit 2).
	os.WriteFile(filepath.Join(bdir, "artefacts", "fw.bin"), []byte("changed\n"), 0o644)
	if got := runCode([]string{"repo", "publish", bdir, filepath.Join(t.TempDir(), "r2")}); got != 2 {
		t.Fatalf("publish of a changed bundle: exit %d, want 2", got)
	}
}
