package repo_test

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"crypto/tls"
	"crypto/x509"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
)

var refTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// makeBundle writes a small signed bundle: one artefact, its manifest, the
// vendor certificate by the root key.
func makeBundle(t *testing.T) (dir string, root *keys.PrivateKey) {
	t.Helper()
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
	dir = filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(dir, false)
	must(t, err)
	for _, it := range []struct {
		p, role string
		data    []byte
	}{
		{bundle.ManifestFile, bundle.RoleManifest, mb}, {bundle.ManifestSig, bundle.RoleSignature, ms},
		{bundle.VendorCert, bundle.RoleCertificate, cb}, {bundle.VendorCertSig, bundle.RoleSignature, cs},
		{bundle.SignerKey, bundle.RoleSignerKey, vendor.Public().MarshalPEM()}, {"artefacts/fw.bin", bundle.RoleArtefact, art},
	} {
		_, err := w.AddBytes(it.p, it.role, "application/octet-stream", it.data)
		must(t, err)
	}
	_, err = w.Finish(bundle.Index{Schema: bundle.Schema}, vendor)
	must(t, err)
	return dir, root
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPublishAndVerifyBothProfiles is the demo's path: a bundle published as
// both repository kinds, served over HTTPS, verified in both profiles.
func TestPublishAndVerifyBothProfiles(t *testing.T) {
	b, root := makeBundle(t)
	out := filepath.Join(t.TempDir(), "repo")
	keysDir := filepath.Join(t.TempDir(), "keys")
	must(t, repo.PublishTUF(b, out, false, repo.TUFOptions{KeysDir: keysDir, Now: refTime.Add(-time.Hour)}))
	for _, role := range repo.TopLevelRoles {
		if st, err := os.Stat(filepath.Join(keysDir, role+".key")); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s key: %v", role, err)
		}
	}
	// Without --force an existing repository is kept.
	if err := repo.PublishManifest(b, out, false); err == nil {
		t.Fatal("published over an existing directory without force")
	}
	rootPub := filepath.Join(t.TempDir(), "root.pub")
	must(t, os.WriteFile(rootPub, root.Public().MarshalPEM(), 0o644))
	s, err := repo.Serve(out, "", filepath.Join(t.TempDir(), "tls"))
	must(t, err)
	defer s.Close()

	tufT, err := verifier.Verify(context.Background(), verifier.Options{RepoURL: s.URL, TrustFile: filepath.Join(out, filepath.FromSlash(repo.TrustRootPath)),
		CAFile: s.CAPath, Targets: []string{"fw.bin", "manifest.json"}, ReferenceTime: refTime})
	must(t, err)
	if !tufT.OK() || tufT.Profile != verifier.ProfileTUF {
		t.Fatalf("TUF: %s %+v", tufT.Verdict, tufT.Failure)
	}
	manT, err := verifier.Verify(context.Background(), verifier.Options{RepoURL: s.URL, TrustFile: rootPub, CAFile: s.CAPath,
		ReferenceTime: refTime, Product: "thermostat", HardwareID: "tx-100", InstalledVersion: "1.0.0"})
	must(t, err)
	if !manT.OK() || manT.Profile != verifier.ProfileManifest {
		t.Fatalf("manifest: %s %+v", manT.Verdict, manT.Failure)
	}
	set := transcript.NewSet(tufT, manT)
	runs, err := transcript.Parse(set.JSON())
	if err != nil || len(runs) != 2 || !runs[0].OK() || !runs[1].OK() {
		t.Fatalf("set: %v %d", err, len(runs))
	}
}

func TestPublishRefusesAChangedBundle(t *testing.T) {
	b, _ := makeBundle(t)
	p := filepath.Join(b, "artefacts", "fw.bin")
	data, _ := os.ReadFile(p)
	data[0] ^= 1
	must(t, os.WriteFile(p, data, 0o644))
	out := filepath.Join(t.TempDir(), "repo")
	if err := repo.PublishManifest(b, out, false); err == nil {
		t.Fatal("a changed bundle was published")
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("partial output left behind")
	}
}

// TestServe: TLS 1.2+ only, the CA is reused from the TLS directory, no
// directory listing, files served as they are.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "sub", "a.txt"), []byte("hello"), 0o644))
	tlsDir := filepath.Join(t.TempDir(), "tls")
	s, err := repo.Serve(dir, "", tlsDir)
	must(t, err)
	ca1, _ := os.ReadFile(s.CAPath)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca1)
	get := func(u string, max uint16) (*http.Response, error) {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: max}}}
		return c.Get(u)
	}
	resp, err := get(s.URL+"/sub/a.txt", 0)
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" {
		t.Fatalf("body %q", body)
	}
	resp, err = get(s.URL+"/sub/", 0)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("directory listing status %d, want 404", resp.StatusCode)
	}
	if _, err := get(s.URL+"/sub/a.txt", tls.VersionTLS11); err == nil {
		t.Fatal("server accepted TLS 1.1")
	}
	must(t, s.Close())
	s2, err := repo.Serve(dir, "", tlsDir)
	must(t, err)
	defer s2.Close()
	ca2, _ := os.ReadFile(s2.CAPath)
	if string(ca1) != string(ca2) {
		t.Fatal("CA not reused from the TLS directory")
	}
}
