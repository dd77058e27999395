package manifest

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"github.com/craudit/craudit/evidence/keys"
)

type chainFixture struct {
	root, vendor *keys.PrivateKey
	chain        Chain
	art          []byte
	m            Manifest
	at           time.Time
}

func newChain(t *testing.T, edit func(*Manifest), certScope []string) chainFixture {
	t.Helper()
	root, _ := keys.FromSeed(keys.ECDSAP256, []byte("m-root"))
	vendor, _ := keys.FromSeed(keys.Ed25519, []byte("m-vendor"))
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cert, csig, err := keys.Certify(root, vendor.Public(), keys.CertifyOptions{Scope: certScope, NotBefore: at.AddDate(0, -1, 0), NotAfter: at.AddDate(1, 0, 0), Serial: "1"})
	if err != nil {
		t.Fatal(err)
	}
	art := []byte(strings.Repeat("fw", 500))
	ctr := uint64(5)
	m := Manifest{Product: "thermo", HardwareIDs: []string{"rev-b"}, Version: "1.0.1", RollbackCounter: &ctr,
		Timestamp: at.Add(-time.Hour), Expires: at.AddDate(0, 0, 30), UpdateType: "security", Severity: "high",
		Artefacts: []Artefact{artefactOf("fw.tar", art)}}
	if edit != nil {
		edit(&m)
	}
	mb, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := vendor.Sign(mb)
	return chainFixture{root: root, vendor: vendor, chain: Chain{Manifest: mb, ManifestSig: ms, Cert: cert, CertSig: csig}, art: art, m: m, at: at}
}

func artefactOf(name string, b []byte) Artefact {
	a := Artefact{Name: name, Size: int64(len(b))}
	a.SHA256, a.SHA512 = sums(b)
	return a
}

func TestVerifySteps(t *testing.T) {
	u := func(v uint64) *uint64 { return &v }
	tests := []struct {
		name      string
		edit      func(*Manifest)
		scope     []string
		opts      func(*VerifyOptions)
		tamper    func(*Chain)
		wantStep  Step
		wantValid bool
	}{
		{name: "valid", scope: []string{"thermo"}, wantValid: true},
		{name: "valid above installed counter", scope: []string{"thermo"}, opts: func(o *VerifyOptions) { o.InstalledCounter = u(4) }, wantValid: true},
		{name: "tampered manifest", scope: []string{"thermo"}, tamper: func(c *Chain) { c.Manifest = bytes.Replace(c.Manifest, []byte("1.0.1"), []byte("9.9.9"), 1) }, wantStep: StepSignature},
		{name: "cert by another root", scope: []string{"thermo"}, opts: func(o *VerifyOptions) { k, _ := keys.FromSeed(keys.ECDSAP256, []byte("x")); o.Root = k.Public() }, wantStep: StepChain},
		{name: "cert out of scope", scope: []string{"kettle"}, wantStep: StepChain},
		{name: "wrong product", scope: []string{"thermo"}, opts: func(o *VerifyOptions) { o.Product = "kettle" }, wantStep: StepApplicability},
		{name: "wrong hardware", scope: []string{"thermo"}, opts: func(o *VerifyOptions) { o.HardwareID = "rev-z" }, wantStep: StepApplicability},
		{name: "expired", scope: []string{"thermo"}, edit: func(m *Manifest) { m.Expires = m.Timestamp.Add(time.Minute) }, wantStep: StepFreshness},
		{name: "future timestamp", scope: []string{"thermo"}, edit: func(m *Manifest) { m.Timestamp = m.Timestamp.AddDate(0, 0, 2) }, wantStep: StepFreshness},
		{name: "rollback", scope: []string{"thermo"}, opts: func(o *VerifyOptions) { o.InstalledCounter = u(5) }, wantStep: StepRollback},
		{name: "no counter", scope: []string{"thermo"}, edit: func(m *Manifest) { m.RollbackCounter = nil }, wantStep: StepRollback},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newChain(t, tc.edit, tc.scope)
			o := VerifyOptions{Root: f.root.Public(), At: f.at, Product: "thermo", HardwareID: "rev-b"}
			if tc.opts != nil {
				tc.opts(&o)
			}
			if tc.tamper != nil {
				tc.tamper(&f.chain)
			}
			_, _, err := Verify(f.chain, o)
			if tc.wantValid {
				if err != nil {
					t.Fatalf("want valid: %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Step != tc.wantStep {
				t.Fatalf("want failure at %s, got %v", tc.wantStep, err)
			}
		})
	}
}

func TestVerifyArtefact(t *testing.T) {
	f := newChain(t, nil, []string{"thermo"})
	a := f.m.Artefacts[0]
	if err := VerifyArtefact(a, bytes.NewReader(f.art)); err != nil {
		t.Fatalf("good artefact: %v", err)
	}
	bad := bytes.Clone(f.art)
	bad[3] ^= 1
	for name, body := range map[string][]byte{"flipped": bad, "short": f.art[:10], "long": append(bytes.Clone(f.art), 'x')} {
		var e *Error
		if err := VerifyArtefact(a, bytes.NewReader(body)); !errors.As(err, &e) || e.Step != StepIntegrity {
			t.Errorf("%s: want integrity failure, got %v", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	c := newChain(&testing.T{}, nil, []string{"thermo"})
	f.Add(c.chain.Manifest)
	f.Add([]byte(`{"schema":"x"}`))
	f.Add([]byte(`{}{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v", err)
		}
	})
}

func sums(b []byte) (string, string) {
	a, c := sha256.Sum256(b), sha512.Sum512(b)
	return hex.EncodeToString(a[:]), hex.EncodeToString(c[:])
}
