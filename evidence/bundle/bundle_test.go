package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
)

type fixture struct {
	dir          string
	root, vendor *keys.PrivateKey
	at           time.Time
}

// makeBundle writes a small signed bundle with a certified vendor key.
func makeBundle(t testing.TB) fixture {
	t.Helper()
	root, _ := keys.FromSeed(keys.ECDSAP256, []byte("test-root"))
	vendor, _ := keys.FromSeed(keys.ECDSAP256, []byte("test-vendor"))
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	cert, csig, err := keys.Certify(root, vendor.Public(), keys.CertifyOptions{Scope: []string{"p"}, NotBefore: at.AddDate(0, -1, 0), NotAfter: at.AddDate(1, 0, 0), Serial: "01"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	w, err := Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	art := []byte(strings.Repeat("firmware", 1000))
	it, err := w.AddBytes(ArtefactDir+"fw.bin", RoleArtefact, "application/octet-stream", art)
	if err != nil {
		t.Fatal(err)
	}
	ctr := uint64(3)
	m := manifest.Manifest{Product: "p", HardwareIDs: []string{"hw"}, Version: "1.0", RollbackCounter: &ctr,
		Timestamp: at, Expires: at.AddDate(0, 3, 0), UpdateType: "feature",
		Artefacts: []manifest.Artefact{{Name: "fw.bin", Size: it.Size, SHA256: it.SHA256, SHA512: it.SHA512}}}
	mb, _ := m.Marshal()
	ms, _ := vendor.Sign(mb)
	for _, f := range []struct {
		p, role string
		b       []byte
	}{{ManifestFile, RoleManifest, mb}, {ManifestSig, RoleSignature, ms}, {SignerKey, RoleSignerKey, vendor.Public().MarshalPEM()},
		{VendorCert, RoleCertificate, cert}, {VendorCertSig, RoleSignature, csig}} {
		if _, err := w.AddBytes(f.p, f.role, "application/octet-stream", f.b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Finish(Index{Created: at, Tool: Tool{Name: "craudit", Version: "test"}}, vendor); err != nil {
		t.Fatal(err)
	}
	return fixture{dir: dir, root: root, vendor: vendor, at: at}
}

func TestOpenVerifiesGoodBundle(t *testing.T) {
	f := makeBundle(t)
	b, err := Open(f.dir, VerifyOptions{Root: f.root.Public(), At: f.at})
	if err != nil {
		t.Fatal(err)
	}
	if !b.OK() {
		t.Fatalf("good bundle has problems: %v", b.Problems)
	}
	if b.Cert == nil || !b.Signer.Equal(f.vendor.Public()) {
		t.Fatal("signer not authenticated through the vendor certificate")
	}
	if _, err := b.Read(ManifestFile); err != nil {
		t.Fatal(err)
	}
}

func TestOpenReportsTampering(t *testing.T) {
	other, _ := keys.FromSeed(keys.ECDSAP256, []byte("someone else"))
	tests := []struct {
		name     string
		damage   func(t *testing.T, dir string)
		root     func(f fixture) *keys.PublicKey
		at       time.Time
		wantPath string
	}{
		{"flipped artefact byte", func(t *testing.T, d string) { flip(t, filepath.Join(d, "artefacts", "fw.bin")) }, nil, time.Time{}, "artefacts/fw.bin"},
		{"flipped manifest byte", func(t *testing.T, d string) { flip(t, filepath.Join(d, ManifestFile)) }, nil, time.Time{}, ManifestFile},
		{"flipped index byte", func(t *testing.T, d string) { flip(t, filepath.Join(d, IndexFile)) }, nil, time.Time{}, ""},
		{"appended bytes", func(t *testing.T, d string) { appendTo(t, filepath.Join(d, "artefacts", "fw.bin")) }, nil, time.Time{}, "artefacts/fw.bin"},
		{"missing file", func(t *testing.T, d string) { os.Remove(filepath.Join(d, ManifestSig)) }, nil, time.Time{}, ManifestSig},
		{"extra file", func(t *testing.T, d string) { os.WriteFile(filepath.Join(d, "extra.txt"), []byte("x"), 0o644) }, nil, time.Time{}, "extra.txt"},
		{"symlink", func(t *testing.T, d string) { os.Symlink("/etc/passwd", filepath.Join(d, "link")) }, nil, time.Time{}, "link"},
		{"wrong root", func(*testing.T, string) {}, func(fixture) *keys.PublicKey { return other.Public() }, time.Time{}, VendorCert},
		{"certificate expired", func(*testing.T, string) {}, nil, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), VendorCert},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := makeBundle(t)
			tc.damage(t, f.dir)
			root := f.root.Public()
			if tc.root != nil {
				root = tc.root(f)
			}
			at := f.at
			if !tc.at.IsZero() {
				at = tc.at
			}
			b, err := Open(f.dir, VerifyOptions{Root: root, At: at})
			if err != nil {
				t.Fatal(err)
			}
			if b.OK() {
				t.Fatal("damaged bundle verified")
			}
			if tc.wantPath == "" {
				return
			}
			for _, p := range b.Problems {
				if p.Path == tc.wantPath {
					return
				}
			}
			t.Fatalf("no problem names %s: %v", tc.wantPath, b.Problems)
		})
	}
}

func TestCreateRefusesExisting(t *testing.T) {
	f := makeBundle(t)
	if _, err := Create(f.dir, false); err == nil {
		t.Fatal("existing bundle overwritten without force")
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	w, err := Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	w.AddBytes("a.txt", "x", "text/plain", []byte("a"))
	w.Abort()
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 0 {
		t.Fatalf("abort left %d entries", len(entries))
	}
}

func flip(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	os.WriteFile(p, b, 0o644)
}

func appendTo(t *testing.T, p string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("tail"))
	f.Close()
}
