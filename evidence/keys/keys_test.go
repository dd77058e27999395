package keys

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, typ := range []Type{ECDSAP256, Ed25519} {
		t.Run(string(typ), func(t *testing.T) {
			k, err := Generate(typ)
			if err != nil {
				t.Fatal(err)
			}
			msg := []byte("manifest bytes")
			sig, err := k.Sign(msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := k.Public().Verify(msg, sig); err != nil {
				t.Fatalf("verify: %v", err)
			}
			if err := k.Public().Verify(append(msg, 'x'), sig); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("changed message verified: %v", err)
			}
			// PEM round trip keeps the key.
			pemBytes, err := k.MarshalPEM()
			if err != nil {
				t.Fatal(err)
			}
			k2, err := ParsePrivatePEM(pemBytes)
			if err != nil {
				t.Fatal(err)
			}
			if !k2.Public().Equal(k.Public()) {
				t.Fatal("PEM round trip changed the key")
			}
			p2, err := ParsePublicPEM(k.Public().MarshalPEM())
			if err != nil || !p2.Equal(k.Public()) {
				t.Fatalf("public PEM round trip: %v", err)
			}
		})
	}
}

func TestFromSeedIsDeterministic(t *testing.T) {
	for _, typ := range []Type{ECDSAP256, Ed25519} {
		a, _ := FromSeed(typ, []byte("seed"))
		b, _ := FromSeed(typ, []byte("seed"))
		c, _ := FromSeed(typ, []byte("other"))
		if !a.Public().Equal(b.Public()) {
			t.Errorf("%s: same seed gave different keys", typ)
		}
		if a.Public().Equal(c.Public()) {
			t.Errorf("%s: different seeds gave the same key", typ)
		}
	}
}

// TestOpenSSLAcceptsSignatures proves the signature format is openssl's.
func TestOpenSSLAcceptsSignatures(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	msg := []byte("{\"schema\":\"x\"}\n")
	os.WriteFile(filepath.Join(dir, "m.json"), msg, 0o644)
	for _, tc := range []struct {
		typ  Type
		args []string
	}{
		{ECDSAP256, []string{"dgst", "-sha256", "-verify", "k.pub", "-signature", "m.sig", "m.json"}},
		{Ed25519, []string{"pkeyutl", "-verify", "-pubin", "-inkey", "k.pub", "-rawin", "-in", "m.json", "-sigfile", "m.sig"}},
	} {
		k, _ := Generate(tc.typ)
		sig, _ := k.Sign(msg)
		os.WriteFile(filepath.Join(dir, "k.pub"), k.Public().MarshalPEM(), 0o644)
		os.WriteFile(filepath.Join(dir, "m.sig"), sig, 0o644)
		cmd := exec.Command("openssl", tc.args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: openssl rejected our signature: %v\n%s", tc.typ, err, out)
		}
		// And openssl's own key file is read back by us.
		pemBytes, _ := k.MarshalPEM()
		os.WriteFile(filepath.Join(dir, "k.key"), pemBytes, 0o600)
		out, err := exec.Command("openssl", "pkey", "-in", filepath.Join(dir, "k.key"), "-pubout").Output()
		if err != nil {
			t.Fatalf("%s: openssl cannot read our private key: %v", tc.typ, err)
		}
		if !bytes.Equal(out, k.Public().MarshalPEM()) {
			t.Fatalf("%s: openssl derived a different public key", tc.typ)
		}
	}
}

// validNow is the reason a certificate valid [nb, na) is refused at now, or 0.
func validNow(now, nb, na time.Time) CertReason {
	switch {
	case now.Before(nb):
		return CertNotYetValid
	case !now.Before(na):
		return CertExpired
	}
	return 0
}

func TestCertificate(t *testing.T) {
	root, _ := Generate(ECDSAP256)
	other, _ := Generate(ECDSAP256)
	vendor, _ := Generate(Ed25519)
	nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cert, sig, err := Certify(root, vendor.Public(), CertifyOptions{Name: "vendor", Scope: []string{"thermo"}, NotBefore: nb, NotAfter: nb.AddDate(2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	mid := nb.AddDate(1, 0, 0)
	// Certificates around the wall clock, for the zero time (= now).
	now := time.Now()
	current, currentSig, err := Certify(root, vendor.Public(), CertifyOptions{Scope: []string{"thermo"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	past, pastSig, err := Certify(root, vendor.Public(), CertifyOptions{Scope: []string{"thermo"}, NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.AddDate(-1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	future, futureSig, err := Certify(root, vendor.Public(), CertifyOptions{Scope: []string{"thermo"}, NotBefore: now.AddDate(1, 0, 0), NotAfter: now.AddDate(2, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cert   []byte
		sig    []byte // nil: sig
		root   *PublicKey
		opts   CertVerifyOptions
		reason CertReason
		ok     bool
	}{
		{"valid", cert, nil, root.Public(), CertVerifyOptions{At: mid, Product: "thermo"}, 0, true},
		{"wrong root", cert, nil, other.Public(), CertVerifyOptions{At: mid}, CertBadSignature, false},
		{"changed byte", append(bytes.Clone(cert[:len(cert)-1]), ' '), nil, root.Public(), CertVerifyOptions{At: mid}, CertBadSignature, false},
		{"expired", cert, nil, root.Public(), CertVerifyOptions{At: nb.AddDate(3, 0, 0)}, CertExpired, false},
		{"not yet valid", cert, nil, root.Public(), CertVerifyOptions{At: nb.AddDate(-1, 0, 0)}, CertNotYetValid, false},
		{"at the end is expired", cert, nil, root.Public(), CertVerifyOptions{At: nb.AddDate(2, 0, 0)}, CertExpired, false},
		{"at the start is valid", cert, nil, root.Public(), CertVerifyOptions{At: nb}, 0, true},
		{"out of scope", cert, nil, root.Public(), CertVerifyOptions{At: mid, Product: "kettle"}, CertOutOfScope, false},
		// The zero time is now, as in crypto/x509.
		{"zero time: valid now", current, currentSig, root.Public(), CertVerifyOptions{}, 0, true},
		{"zero time: expired now", past, pastSig, root.Public(), CertVerifyOptions{}, CertExpired, false},
		{"zero time: not yet valid now", future, futureSig, root.Public(), CertVerifyOptions{}, CertNotYetValid, false},
		{"zero time: a 2026 certificate", cert, nil, root.Public(), CertVerifyOptions{}, validNow(now, nb, nb.AddDate(2, 0, 0)), validNow(now, nb, nb.AddDate(2, 0, 0)) == 0},
		// An explicit time overrides now in both directions.
		{"explicit time inside an expired certificate", past, pastSig, root.Public(), CertVerifyOptions{At: now.AddDate(-1, -6, 0)}, 0, true},
		{"explicit time after a current certificate", current, currentSig, root.Public(), CertVerifyOptions{At: now.AddDate(0, 0, 1)}, CertExpired, false},
		// Skipping the period must be asked for by name; everything else is still judged.
		{"unsafe skip: expired", past, pastSig, root.Public(), CertVerifyOptions{SkipValidityPeriodUnsafe: true}, 0, true},
		{"unsafe skip: not yet valid", future, futureSig, root.Public(), CertVerifyOptions{SkipValidityPeriodUnsafe: true, At: now}, 0, true},
		{"unsafe skip keeps the signature", past, sig, root.Public(), CertVerifyOptions{SkipValidityPeriodUnsafe: true}, CertBadSignature, false},
		{"unsafe skip keeps the scope", past, pastSig, root.Public(), CertVerifyOptions{SkipValidityPeriodUnsafe: true, Product: "kettle"}, CertOutOfScope, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.sig
			if s == nil {
				s = sig
			}
			_, sub, err := VerifyCertificate(tc.cert, s, tc.root, tc.opts)
			if tc.ok {
				if err != nil || !sub.Equal(vendor.Public()) {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var ce *CertificateError
			if !errors.As(err, &ce) || ce.Reason != tc.reason {
				t.Fatalf("want %v, got %v", tc.reason, err)
			}
		})
	}
}

func TestWritePairAndCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	k, _ := FromSeed(ECDSAP256, []byte("write-pair"))
	keyPath, pubPath, err := WritePair(dir, "vendor", k, false)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(keyPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", st.Mode(), err)
	}
	if back, err := LoadPrivate(keyPath); err != nil || !back.Public().Equal(k.Public()) {
		t.Errorf("private key does not load back: %v", err)
	}
	if pub, err := LoadPublic(pubPath); err != nil || !pub.Equal(k.Public()) {
		t.Errorf("public key does not load back: %v", err)
	}
	// Without force nothing is replaced, even when only one of the two exists.
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	other, _ := FromSeed(ECDSAP256, []byte("write-pair/other"))
	if _, _, err := WritePair(dir, "vendor", other, false); !errors.Is(err, atomicfs.ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	if _, err := os.Stat(keyPath); !os.IsNotExist(err) {
		t.Error("the refused write still wrote the private key")
	}
	if _, _, err := WritePair(dir, "vendor", other, true); err != nil {
		t.Fatal(err)
	}
	if pub, _ := LoadPublic(pubPath); !pub.Equal(other.Public()) {
		t.Error("--force did not replace the public key")
	}

	cert := filepath.Join(dir, "vendor.cert.json")
	if err := WriteCertificate(cert, []byte("{}"), []byte("sig"), false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(cert + ".sig"); string(b) != "sig" {
		t.Errorf("signature file holds %q", b)
	}
	if err := os.Remove(cert); err != nil {
		t.Fatal(err)
	}
	if err := WriteCertificate(cert, []byte("{}"), []byte("new"), false); !errors.Is(err, atomicfs.ErrExists) {
		t.Errorf("an existing CERT.sig was not refused: %v", err)
	}
	if _, err := os.Stat(cert); !os.IsNotExist(err) {
		t.Error("the refused write still wrote the certificate")
	}
}
