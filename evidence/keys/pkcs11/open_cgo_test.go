//go:build cgo

package pkcs11_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/keys/pkcs11"
	"github.com/craudit/craudit/evidence/keys/pkcs11/softhsmtest"
)

// TestSoftHSM signs with ECDSA P-256 and Ed25519 keys made on a real
// SoftHSM2 token and has openssl verify the signatures against the public
// keys pkcs11-tool exports.
func TestSoftHSM(t *testing.T) {
	tok := softhsmtest.New(t, "craudit", "1234")
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	msg := []byte("manifest bytes\n")
	msgPath := filepath.Join(dir, "msg")
	os.WriteFile(msgPath, msg, 0o644)
	for _, tc := range []struct{ keyType, label, id string }{
		{"EC:prime256v1", "vendor", "01"},
		{"EC:edwards25519", "vendor-ed", "02"},
	} {
		pubPEM := tok.Generate(tc.keyType, tc.label, tc.id)
		pubPath := filepath.Join(dir, tc.label+".pub")
		os.WriteFile(pubPath, pubPEM, 0o644)
		u, err := pkcs11.ParseURI(tok.URI(tc.label))
		if err != nil {
			t.Fatal(err)
		}
		k, err := pkcs11.Open(u, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.keyType, err)
		}
		// The public key read from the token is the one pkcs11-tool exports.
		blk, _ := pem.Decode(pubPEM)
		want, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !want.(interface{ Equal(crypto.PublicKey) bool }).Equal(k.Public()) {
			t.Fatalf("%s: token public key differs from pkcs11-tool's", tc.keyType)
		}
		var sig []byte
		var verify []string
		switch pub := k.Public().(type) {
		case *ecdsa.PublicKey:
			d := sha256.Sum256(msg)
			if sig, err = k.Sign(rand.Reader, d[:], crypto.SHA256); err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(pub, d[:], sig) {
				t.Fatal("ECDSA signature from the token does not verify in Go")
			}
			verify = []string{"dgst", "-sha256", "-verify", pubPath, "-signature", "SIG", msgPath}
		case ed25519.PublicKey:
			if sig, err = k.Sign(rand.Reader, msg, crypto.Hash(0)); err != nil {
				t.Fatal(err)
			}
			if !ed25519.Verify(pub, msg, sig) {
				t.Fatal("Ed25519 signature from the token does not verify in Go")
			}
			verify = []string{"pkeyutl", "-verify", "-pubin", "-inkey", pubPath, "-rawin", "-in", msgPath, "-sigfile", "SIG"}
		}
		sigPath := filepath.Join(dir, tc.label+".sig")
		os.WriteFile(sigPath, sig, 0o644)
		for i := range verify {
			if verify[i] == "SIG" {
				verify[i] = sigPath
			}
		}
		if out, err := exec.Command("openssl", verify...).CombinedOutput(); err != nil {
			t.Fatalf("%s: openssl rejects the token's signature: %v\n%s", tc.keyType, err, out)
		}
		if err := k.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Sign(rand.Reader, msg, crypto.Hash(0)); err == nil {
			t.Fatal("signed after Close")
		}
	}
	// Errors: wrong PIN, unknown object, unknown token, no PIN at all.
	for _, tc := range []struct {
		uri  string
		want error
		text string
	}{
		{uri: strings.Replace(tok.URI("vendor"), "pin-value=1234", "pin-value=0000", 1), want: pkcs11.ErrWrongPIN},
		{uri: tok.URI("nope"), text: "no private key"},
		{uri: strings.Replace(tok.URI("vendor"), "token=craudit", "token=other", 1), text: "no token matches"},
		{uri: strings.Replace(tok.URI("vendor"), "&pin-value=1234", "", 1), want: pkcs11.ErrNoPIN},
		{uri: strings.Replace(tok.URI("vendor"), tok.Module, "/nonexistent/lib.so", 1), text: "cannot load"},
	} {
		u, err := pkcs11.ParseURI(tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		_, err = pkcs11.Open(u, nil)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: error %v, want %v %q", u, err, tc.want, tc.text)
		}
		if err != nil && strings.Contains(err.Error(), "pin-value=1234") {
			t.Errorf("error shows the PIN: %v", err)
		}
	}
}

// BenchmarkSoftHSMSign is one ECDSA P-256 signature through the token.
func BenchmarkSoftHSMSign(b *testing.B) {
	tok := softhsmtest.New(b, "bench", "1234")
	tok.Generate("EC:prime256v1", "k", "01")
	u, _ := pkcs11.ParseURI(tok.URI("k"))
	k, err := pkcs11.Open(u, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer k.Close()
	d := sha256.Sum256([]byte("m"))
	for b.Loop() {
		if _, err := k.Sign(rand.Reader, d[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
