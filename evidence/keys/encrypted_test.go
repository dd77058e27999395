package keys

import (
	"bytes"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/shared"
)

func constPass(s string) Passphrase { return func() ([]byte, error) { return []byte(s), nil } }

func TestEncryptedPEMRoundTrip(t *testing.T) {
	for _, typ := range []Type{ECDSAP256, Ed25519} {
		k, err := Generate(typ)
		if err != nil {
			t.Fatal(err)
		}
		b, err := k.MarshalEncryptedPEM([]byte("correct horse"))
		if err != nil {
			t.Fatal(err)
		}
		if blk, _ := pem.Decode(b); blk == nil || blk.Type != EncryptedPEMType {
			t.Fatalf("%s: not an ENCRYPTED PRIVATE KEY block:\n%s", typ, b)
		}
		if bytes.Contains(b, []byte("BEGIN PRIVATE KEY")) {
			t.Fatal("plain key in the output")
		}
		got, err := ParseProtectedPEM(b, constPass("correct horse"))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if !got.Public().Equal(k.Public()) || got.Type() != typ {
			t.Fatalf("%s: decrypted a different key", typ)
		}
		if _, err := ParsePrivatePEM(b); !errors.Is(err, ErrPassphraseRequired) {
			t.Fatalf("%s: without a passphrase: %v, want ErrPassphraseRequired", typ, err)
		}
		if _, err := ParseProtectedPEM(b, constPass("wrong horse")); !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("%s: wrong passphrase: %v, want ErrWrongPassphrase", typ, err)
		}
	}
	k, _ := FromSeed(Ed25519, []byte("x"))
	if _, err := k.MarshalEncryptedPEM(nil); !errors.Is(err, ErrEmptyPassphrase) {
		t.Fatalf("empty passphrase: %v", err)
	}
}

// TestEncryptedPEMOpenSSL: openssl opens our protected keys with the
// passphrase and verifies what they signed; we open openssl's protected
// keys in every PBES2 form it writes that we read.
func TestEncryptedPEMOpenSSL(t *testing.T) {
	shared.NeedTools(t, "openssl")
	dir := t.TempDir()
	t.Setenv("CRAUDIT_TEST_PASS", "s3cret pass")
	msg := []byte("release 1.0.1\n")
	if err := os.WriteFile(filepath.Join(dir, "msg"), msg, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		t.Helper()
		out, err := exec.Command("openssl", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	for _, typ := range []Type{ECDSAP256, Ed25519} {
		k, _ := Generate(typ)
		keyPath, pubPath, err := WriteProtectedPair(dir, string(typ), k, []byte("s3cret pass"), false)
		if err != nil {
			t.Fatal(err)
		}
		// openssl reads the key with the passphrase and derives the same public key.
		pub := run("pkey", "-in", keyPath, "-passin", "env:CRAUDIT_TEST_PASS", "-pubout")
		if !bytes.Equal(pub, k.Public().MarshalPEM()) {
			t.Fatalf("%s: openssl derived another public key", typ)
		}
		// and refuses it with a wrong one.
		if out, err := exec.Command("openssl", "pkey", "-in", keyPath, "-passin", "pass:wrong", "-noout").CombinedOutput(); err == nil {
			t.Fatalf("%s: openssl opened the key with a wrong passphrase: %s", typ, out)
		}
		// A signature made with the decrypted key verifies with openssl.
		dk, err := LoadSigner(keyPath, SignerOptions{Passphrase: constPass("s3cret pass")})
		if err != nil {
			t.Fatal(err)
		}
		sig, err := dk.Sign(msg)
		if err != nil {
			t.Fatal(err)
		}
		sigPath := filepath.Join(dir, string(typ)+".sig")
		os.WriteFile(sigPath, sig, 0o644)
		if typ == ECDSAP256 {
			run("dgst", "-sha256", "-verify", pubPath, "-signature", sigPath, filepath.Join(dir, "msg"))
		} else {
			run("pkeyutl", "-verify", "-pubin", "-inkey", pubPath, "-rawin", "-in", filepath.Join(dir, "msg"), "-sigfile", sigPath)
		}
	}
	// openssl's protected keys, in the PBES2 variants it writes.
	plain := filepath.Join(dir, "plain.key")
	run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain)
	want, err := LoadPrivate(plain)
	if err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"pbkdf2-sha256-aes256": {"-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"},
		"pbkdf2-sha1-aes128":   {"-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"},
		"pbkdf2-sha512-aes192": {"-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512"},
		"scrypt-aes256":        {"-v2", "aes-256-cbc", "-scrypt"},
	} {
		out := filepath.Join(dir, name+".key")
		run(append([]string{"pkcs8", "-topk8", "-in", plain, "-out", out, "-passout", "env:CRAUDIT_TEST_PASS"}, args...)...)
		got, err := LoadSigner(out, SignerOptions{Passphrase: constPass("s3cret pass")})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !got.Public().Equal(want.Public()) {
			t.Fatalf("%s: another key", name)
		}
		if _, err := LoadSigner(out, SignerOptions{Passphrase: constPass("nope")}); !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("%s: wrong passphrase gave %v", name, err)
		}
	}
}

// TestEncryptedPEMBounds: the cost of the key derivation comes from the
// file; an absurd one is refused before any work is done.
func TestEncryptedPEMBounds(t *testing.T) {
	k, _ := FromSeed(ECDSAP256, []byte("b"))
	b, err := k.MarshalEncryptedPEM([]byte("p"))
	if err != nil {
		t.Fatal(err)
	}
	old := maxPBKDF2Iterations
	maxPBKDF2Iterations = PBKDF2Iterations - 1
	defer func() { maxPBKDF2Iterations = old }()
	start := time.Now()
	_, err = ParseProtectedPEM(b, constPass("p"))
	if err == nil || !strings.Contains(err.Error(), "iteration count") {
		t.Fatalf("over-limit iteration count: %v", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Logf("refusal took %v (it should not derive)", d)
	}
}

func FuzzParseProtectedPEM(f *testing.F) {
	k, _ := FromSeed(Ed25519, []byte("fuzz"))
	oldIter, oldN, oldMem, oldWrite := maxPBKDF2Iterations, maxScryptN, maxScryptMemory, writeIterations
	writeIterations = 100
	b, _ := k.MarshalEncryptedPEM([]byte("p"))
	writeIterations = oldWrite
	f.Add(b)
	f.Add([]byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n"))
	// Keep each input cheap: the fuzzer explores the structure, not PBKDF2.
	maxPBKDF2Iterations, maxScryptN, maxScryptMemory = 1000, 1<<10, 1<<20
	f.Cleanup(func() { maxPBKDF2Iterations, maxScryptN, maxScryptMemory = oldIter, oldN, oldMem })
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseProtectedPEM(b, constPass("p"))
		if err != nil {
			return
		}
		if _, err := got.Sign([]byte("m")); err != nil {
			t.Fatalf("parsed key cannot sign: %v", err)
		}
	})
}

// BenchmarkParseProtectedPEM is the cost of opening a protected key: the
// PBKDF2 work factor, paid once per command.
func BenchmarkParseProtectedPEM(b *testing.B) {
	k, _ := FromSeed(ECDSAP256, []byte("bench"))
	pemKey, err := k.MarshalEncryptedPEM([]byte("p"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ParseProtectedPEM(pemKey, constPass("p")); err != nil {
			b.Fatal(err)
		}
	}
}
