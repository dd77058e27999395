package verifiercheck_test

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
)

var refTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestGatherBothProfiles: the path of `check --repo` and the demo. A bundle
// is published to a live HTTPS repository in both profiles, gathered, and
// every verifier check passes (applicability through the manifest run).
func TestGatherBothProfiles(t *testing.T) {
	root, err := keys.Generate(keys.ECDSAP256)
	must(t, err)
	vendor, err := keys.Generate(keys.ECDSAP256)
	must(t, err)
	art := []byte("thermostat firmware 1.0.1\n")
	h256, h512 := sha256.Sum256(art), sha512.Sum512(art)
	c := uint64(2)
	m := manifest.Manifest{Product: "thermostat", HardwareIDs: []string{"tx-100"}, Version: "1.0.1", RollbackCounter: &c,
		Timestamp: refTime.Add(-time.Hour), Expires: refTime.AddDate(0, 1, 0), UpdateType: "security",
		Artefacts: []manifest.Artefact{{Name: "fw.bin", Size: int64(len(art)), SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}}
	mb, err := m.Marshal()
	must(t, err)
	ms, err := vendor.Sign(mb)
	must(t, err)
	cb, cs, err := keys.Certify(root, vendor.Public(), keys.CertifyOptions{Scope: []string{"thermostat"}, NotBefore: refTime.AddDate(-1, 0, 0), NotAfter: refTime.AddDate(1, 0, 0)})
	must(t, err)
	bdir := filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(bdir, false)
	must(t, err)
	for p, it := range map[string]struct {
		role string
		data []byte
	}{
		bundle.ManifestFile: {bundle.RoleManifest, mb}, bundle.ManifestSig: {bundle.RoleSignature, ms},
		bundle.VendorCert: {bundle.RoleCertificate, cb}, bundle.VendorCertSig: {bundle.RoleSignature, cs},
		bundle.SignerKey: {bundle.RoleSignerKey, vendor.Public().MarshalPEM()}, "artefacts/fw.bin": {bundle.RoleArtefact, art},
	} {
		_, err := w.AddBytes(p, it.role, "application/octet-stream", it.data)
		must(t, err)
	}
	_, err = w.Finish(bundle.Index{Schema: bundle.Schema}, vendor)
	must(t, err)

	rdir := filepath.Join(t.TempDir(), "repo")
	must(t, repo.PublishTUF(bdir, rdir, false, repo.TUFOptions{KeysDir: filepath.Join(t.TempDir(), "keys"), Now: refTime.Add(-time.Hour)}))
	s, err := repo.Serve(rdir, "", "")
	must(t, err)
	defer s.Close()
	rootPub := filepath.Join(t.TempDir(), "root.pub")
	must(t, os.WriteFile(rootPub, root.Public().MarshalPEM(), 0o644))

	b, err := bundle.Open(bdir, bundle.VerifyOptions{Root: root.Public(), At: refTime})
	must(t, err)
	if !b.OK() {
		t.Fatalf("bundle problems: %v", b.Problems)
	}
	in := checks.Load(b, root.Public(), refTime, nil)
	runs, err := verifiercheck.Gather(context.Background(), in,
		verifiercheck.GatherOptions{RepoURL: s.URL, TrustFile: filepath.Join(rdir, filepath.FromSlash(repo.TrustRootPath)), CAFile: s.CAPath},
		verifiercheck.GatherOptions{RepoURL: s.URL, TrustFile: rootPub, CAFile: s.CAPath})
	must(t, err)
	if len(runs) != 2 || !runs[0].OK() || !runs[1].OK() {
		t.Fatalf("runs: %+v / %+v", runs[0].Failure, runs[1].Failure)
	}
	if runs[0].Targets[0].Name != "fw.bin" || runs[1].Profile != transcript.ProfileManifest {
		t.Fatalf("TUF targets %+v, second profile %s", runs[0].Targets, runs[1].Profile)
	}
	// The product declares the repository this test serves.
	in.Product = &product.Product{}
	in.Product.Product.ID = "thermostat"
	in.Product.Updates.RepositoryURL = s.URL
	if !in.Gathered[verifiercheck.TranscriptPath] {
		t.Fatal("a gathered transcript is not marked as gathered")
	}
	// Judged as gathered (check --repo) and, sealed by the vendor key, as a
	// dossier encloses it: both pass every verifier check.
	sealed := checks.Load(b, root.Public(), refTime, nil)
	sealed.Product = in.Product
	sealed.Live = map[string][]byte{verifiercheck.TranscriptPath: in.Live[verifiercheck.TranscriptPath]}
	sealed.Gathered = map[string]bool{verifiercheck.TranscriptPath: true}
	certPath := filepath.Join(t.TempDir(), "vendor.cert.json")
	must(t, os.WriteFile(certPath, cb, 0o644))
	must(t, os.WriteFile(certPath+".sig", cs, 0o644))
	must(t, verifiercheck.Seal(sealed, vendor, certPath))
	if sealed.Gathered[verifiercheck.TranscriptPath] || !attest.IsEnvelope(sealed.Live[verifiercheck.TranscriptPath]) {
		t.Fatal("Seal did not replace the transcript with its attestation")
	}
	for _, in := range []*checks.Input{in, sealed} {
		for _, c := range verifiercheck.Checks() {
			o := c.Run(context.Background(), in)
			// The Uptane checks have no Uptane run to judge here.
			if strings.HasPrefix(c.Info().ID, "verifier/uptane-") {
				if o.Status != checks.NotApplicable {
					t.Errorf("%s on a TUF transcript: %s", c.Info().ID, o.Status)
				}
				continue
			}
			if o.Status != checks.Pass {
				t.Errorf("%s: %s: %s", c.Info().ID, o.Status, o.Message)
			}
		}
	}
	if m := verifiercheck.Checks()[6].Run(context.Background(), sealed).Message; !strings.Contains(m, "signed by key "+vendor.Public().ID()[:16]) {
		t.Errorf("signed-evidence message %q", m)
	}
}
