package verifier_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"

	"github.com/craudit/craudit/evidence/transcript"
)

// manifestFixture is a manifest-profile repository: root key -> vendor
// certificate -> signed manifest -> artefacts/fw.bin.
type manifestFixture struct {
	t       *testing.T
	dir     string
	root    *keys.PrivateKey
	vendor  *keys.PrivateKey
	certOpt keys.CertifyOptions
	m       manifest.Manifest
	art     []byte
	trust   string
	srvURL  string
	ca      string
}

func newManifestRepo(t *testing.T) *manifestFixture {
	t.Helper()
	f := &manifestFixture{t: t, dir: t.TempDir(), art: []byte("thermostat firmware 1.0.1\n")}
	var err error
	if f.root, err = keys.Generate(keys.ECDSAP256); err != nil {
		t.Fatal(err)
	}
	if f.vendor, err = keys.Generate(keys.ECDSAP256); err != nil {
		t.Fatal(err)
	}
	f.certOpt = keys.CertifyOptions{Name: "vendor", Scope: []string{"thermostat"}, NotBefore: refTime.AddDate(-1, 0, 0), NotAfter: refTime.AddDate(1, 0, 0), Serial: "01"}
	counter := uint64(3)
	f.m = manifest.Manifest{Product: "thermostat", HardwareIDs: []string{"tx-100"}, Version: "1.0.1", RollbackCounter: &counter,
		Timestamp: refTime.Add(-time.Hour), Expires: refTime.AddDate(0, 1, 0), UpdateType: "security"}
	f.trust = filepath.Join(t.TempDir(), "root.pub")
	must(t, os.WriteFile(f.trust, f.root.Public().MarshalPEM(), 0o644))
	f.write()
	s := serve(t, f.dir)
	f.srvURL, f.ca = s.URL, s.CAPath
	return f
}

// write signs and lays out the repository as it stands.
func (f *manifestFixture) write() {
	t := f.t
	t.Helper()
	h256, h512 := sha256.Sum256(f.art), sha512.Sum512(f.art)
	f.m.Artefacts = []manifest.Artefact{{Name: "fw.bin", Size: int64(len(f.art)), SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}
	mb, err := f.m.Marshal()
	must(t, err)
	ms, err := f.vendor.Sign(mb)
	must(t, err)
	cb, cs, err := keys.Certify(f.root, f.vendor.Public(), f.certOpt)
	must(t, err)
	files := map[string][]byte{"manifest.json": mb, "manifest.json.sig": ms, "keys/vendor.cert.json": cb,
		"keys/vendor.cert.json.sig": cs, "keys/signer.pub": f.vendor.Public().MarshalPEM(), "artefacts/fw.bin": f.art}
	for p, b := range files {
		fp := filepath.Join(f.dir, filepath.FromSlash(p))
		must(t, os.MkdirAll(filepath.Dir(fp), 0o755))
		must(t, os.WriteFile(fp, b, 0o644))
	}
}

func (f *manifestFixture) opts() verifier.Options {
	return verifier.Options{RepoURL: f.srvURL, TrustFile: f.trust, CAFile: f.ca, ReferenceTime: refTime,
		Product: "thermostat", HardwareID: "tx-100"}
}

func TestManifestGood(t *testing.T) {
	f := newManifestRepo(t)
	out := t.TempDir()
	o := f.opts()
	o.TargetDir = out
	tr := verify(t, o)
	wantOK(t, tr)
	if tr.Profile != verifier.ProfileManifest {
		t.Fatalf("profile %s, want detected manifest", tr.Profile)
	}
	for _, id := range []string{"manifest/chain", "manifest/signature", "manifest/applicability", "manifest/freshness", "manifest/rollback", "artefact/integrity", "transport/tls"} {
		if s, ok := tr.Step(id); !ok || s.Verdict != transcript.Pass {
			t.Errorf("step %s: %+v", id, s)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "fw.bin")); err != nil || string(b) != string(f.art) {
		t.Fatalf("artefact not delivered: %v", err)
	}
	// Without a device identity the applicability step is skipped, visibly.
	o = f.opts()
	o.Product, o.HardwareID = "", ""
	tr = verify(t, o)
	wantOK(t, tr)
	if s, _ := tr.Step("manifest/applicability"); s.Verdict != transcript.Skip {
		t.Fatalf("applicability %+v, want skip", s)
	}
}

func TestManifestBrokenStep(t *testing.T) {
	other, err := keys.Generate(keys.ECDSAP256)
	must(t, err)
	tests := []struct {
		name   string
		step   string
		break_ func(f *manifestFixture)
		opts   func(o *verifier.Options)
	}{
		{name: "certificate by another root", step: "manifest/chain", break_: func(f *manifestFixture) { f.root = other; f.write() }},
		{name: "certificate expired", step: "manifest/chain", break_: func(f *manifestFixture) {
			f.certOpt.NotAfter = refTime.Add(-time.Hour)
			f.write()
		}},
		{name: "product out of the certificate's scope", step: "manifest/chain", break_: func(f *manifestFixture) {
			f.certOpt.Scope = []string{"doorbell"}
			f.write()
		}},
		{name: "manifest changed after signing", step: "manifest/signature", break_: func(f *manifestFixture) {
			f.write()
			p := filepath.Join(f.dir, "manifest.json")
			b, _ := os.ReadFile(p)
			b[len(b)-3] = ' '
			must(t, os.WriteFile(p, b, 0o644))
		}},
		{name: "manifest signed by an uncertified key", step: "manifest/signature", break_: func(f *manifestFixture) {
			f.write()
			mb, _ := os.ReadFile(filepath.Join(f.dir, "manifest.json"))
			sig, _ := other.Sign(mb)
			must(t, os.WriteFile(filepath.Join(f.dir, "manifest.json.sig"), sig, 0o644))
		}},
		{name: "other hardware", step: "manifest/applicability", opts: func(o *verifier.Options) { o.HardwareID = "tx-200" }},
		{name: "manifest expired", step: "manifest/freshness", break_: func(f *manifestFixture) {
			f.m.Expires = refTime.Add(-time.Minute)
			f.m.Timestamp = refTime.Add(-time.Hour)
			f.write()
		}},
		{name: "manifest from the future", step: "manifest/freshness", break_: func(f *manifestFixture) {
			f.m.Timestamp = refTime.Add(24 * time.Hour)
			f.write()
		}},
		{name: "installed version is newer", step: "manifest/version", opts: func(o *verifier.Options) { o.InstalledVersion = "1.0.2" }},
		{name: "artefact byte changed", step: "artefact/integrity", break_: func(f *manifestFixture) {
			f.write()
			p := filepath.Join(f.dir, "artefacts", "fw.bin")
			b, _ := os.ReadFile(p)
			b[0] ^= 1
			must(t, os.WriteFile(p, b, 0o644))
		}},
		{name: "artefact longer than signed", step: "transport/too-large", break_: func(f *manifestFixture) {
			f.write()
			p := filepath.Join(f.dir, "artefacts", "fw.bin")
			b, _ := os.ReadFile(p)
			must(t, os.WriteFile(p, append(b, make([]byte, 4096)...), 0o644))
		}},
		{name: "artefact above the size cap", step: "artefact/integrity", opts: func(o *verifier.Options) { o.Limits.TargetMaxLength = 4 }},
		{name: "artefact not in the manifest", step: "artefact/lookup", opts: func(o *verifier.Options) { o.Targets = []string{"evil.bin"} }},
		{name: "manifest missing", step: "transport/not-found", break_: func(f *manifestFixture) {
			must(t, os.Remove(filepath.Join(f.dir, "manifest.json")))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newManifestRepo(t)
			if tc.break_ != nil {
				tc.break_(f)
			}
			o := f.opts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			wantFail(t, verify(t, o), tc.step)
		})
	}
}

// TestManifestRollbackAcrossRuns: the stored counter refuses an older
// manifest that is otherwise valid; the same manifest again is fine.
func TestManifestRollbackAcrossRuns(t *testing.T) {
	f := newManifestRepo(t)
	state := t.TempDir()
	o := f.opts()
	o.StateDir = state
	wantOK(t, verify(t, o))
	wantOK(t, verify(t, o)) // the same manifest: already accepted, not a rollback
	c := uint64(2)
	f.m.RollbackCounter = &c
	f.write()
	noState := f.opts()
	wantOK(t, verify(t, noState))
	wantFail(t, verify(t, o), "manifest/rollback")
	// A newer manifest is accepted and raises the stored counter.
	c = 9
	f.write()
	wantOK(t, verify(t, o))
	b, err := os.ReadFile(filepath.Join(state, verifier.ManifestStateFile))
	must(t, err)
	if !strings.Contains(string(b), `"rollback_counter": 9`) {
		t.Fatalf("state %s", b)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.1", "1.0.0", 1}, {"1.0.10", "1.0.9", 1}, {"v2.0", "2.0.0", 0}, {"1.0.1-rc1", "1.0.1", -1}, {"1.0.0", "1.0.1", -1},
	}
	for _, tc := range tests {
		if got := verifier.CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
