package attest_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/fixtures/shared"
)

const predType = "https://craudit.dev/attestation/test/v1"

type chain struct {
	root, vendor, other *keys.PrivateKey
	cert                *attest.Certificate
}

func newChain(t testing.TB, typ keys.Type) chain {
	t.Helper()
	var c chain
	var err error
	for _, k := range []**keys.PrivateKey{&c.root, &c.vendor, &c.other} {
		if *k, err = keys.Generate(typ); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cert, sig, err := keys.Certify(c.root, c.vendor.Public(), keys.CertifyOptions{Scope: []string{"thermostat"}, NotBefore: now, NotAfter: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	c.cert = &attest.Certificate{Cert: cert, Sig: sig}
	return c
}

func statement() *attest.Statement {
	return &attest.Statement{Type: attest.StatementType, PredicateType: predType, Predicate: json.RawMessage(`{"runs":[1]}`),
		Subject: []attest.Subject{{Name: "b", Digest: map[string]string{"sha256": strings.Repeat("b", 64)}}, {Name: "a", Digest: map[string]string{"sha256": strings.Repeat("a", 64)}}}}
}

var at = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func TestSignDecodeVerify(t *testing.T) {
	for _, typ := range []keys.Type{keys.ECDSAP256, keys.Ed25519} {
		c := newChain(t, typ)
		signed, err := attest.Sign(statement(), c.vendor, c.cert)
		if err != nil {
			t.Fatal(err)
		}
		if !attest.IsEnvelope(signed) || strings.Count(string(signed), "\n") != 1 {
			t.Fatalf("%s: not one envelope line: %q", typ, signed)
		}
		a, err := attest.Decode(signed, predType)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if a.Statement.Subject[0].Name != "a" || string(a.Statement.Predicate) != `{"runs":[1]}` {
			t.Errorf("%s: statement %+v", typ, a.Statement)
		}
		if got := a.Envelope.Signatures[0].KeyID; got != c.vendor.Public().ID() {
			t.Errorf("%s: keyid %s, want the project's key ID", typ, got)
		}
		tests := []struct {
			name   string
			o      attest.VerifyOptions
			reason attest.Reason
			how    string
		}{
			{"certified by the anchor", attest.VerifyOptions{Root: c.root.Public(), At: at, Product: "thermostat"}, 0, "certified by the root key"},
			{"no anchor", attest.VerifyOptions{}, attest.NoAnchor, ""},
			{"wrong anchor", attest.VerifyOptions{Root: c.other.Public(), At: at}, attest.BadCertificate, ""},
			{"out of scope", attest.VerifyOptions{Root: c.root.Public(), At: at, Product: "kettle"}, attest.BadCertificate, ""},
			{"expired", attest.VerifyOptions{Root: c.root.Public(), At: at.AddDate(2, 0, 0)}, attest.BadCertificate, ""},
		}
		for _, tc := range tests {
			s, err := a.Verify(tc.o)
			var ve *attest.VerifyError
			switch {
			case tc.reason == 0 && (err != nil || !strings.HasPrefix(s.How, tc.how) || s.KeyID != c.vendor.Public().ID()):
				t.Errorf("%s %s: %v %+v", typ, tc.name, err, s)
			case tc.reason != 0 && (!errors.As(err, &ve) || ve.Reason != tc.reason || s != nil):
				t.Errorf("%s %s: %v, want reason %d", typ, tc.name, err, tc.reason)
			case tc.reason != 0 && !strings.Contains(err.Error(), c.vendor.Public().ID()[:16]):
				t.Errorf("%s %s: %q does not name the signing key", typ, tc.name, err)
			}
		}
	}
}

func TestVerifyRefuses(t *testing.T) {
	c := newChain(t, keys.ECDSAP256)
	root := attest.VerifyOptions{Root: c.root.Public(), At: at}
	// Signed by the root itself: authenticated without a certificate.
	byRoot, _ := attest.Sign(statement(), c.root, nil)
	a, err := attest.Decode(byRoot, predType)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := a.Verify(root); err != nil || s.How != "the root key" {
		t.Errorf("root-signed: %v %+v", err, s)
	}
	// An unknown key without a certificate.
	byOther, _ := attest.Sign(statement(), c.other, nil)
	a, _ = attest.Decode(byOther, predType)
	var ve *attest.VerifyError
	if _, err := a.Verify(root); !errors.As(err, &ve) || ve.Reason != attest.UnknownSigner || !strings.Contains(err.Error(), c.root.Public().ID()[:16]) {
		t.Errorf("unknown signer: %v", err)
	}
	// A known key (authenticated by the caller) is accepted as such.
	if s, err := a.Verify(attest.VerifyOptions{Root: c.root.Public(), Known: []attest.KnownKey{{Key: c.other.Public(), How: "the bundle's signer"}}}); err != nil || s.How != "the bundle's signer" {
		t.Errorf("known key: %v %+v", err, s)
	}
	// One changed byte of the payload: the signature no longer verifies.
	signed, _ := attest.Sign(statement(), c.vendor, c.cert)
	var env map[string]any
	json.Unmarshal(signed, &env)
	payload, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
	forged := strings.Replace(string(payload), `"runs":[1]`, `"runs":[2]`, 1)
	env["payload"] = base64.StdEncoding.EncodeToString([]byte(forged))
	b, _ := json.Marshal(env)
	a, err = attest.Decode(b, predType)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Verify(root); !errors.As(err, &ve) || ve.Reason != attest.BadSignature {
		t.Errorf("changed payload: %v, want a bad signature", err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	c := newChain(t, keys.Ed25519)
	good, _ := attest.Sign(statement(), c.vendor, nil)
	mutate := func(f func(env map[string]any, st map[string]any)) []byte {
		var env, st map[string]any
		json.Unmarshal(good, &env)
		p, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
		json.Unmarshal(p, &st)
		f(env, st)
		p, _ = json.Marshal(st)
		env["payload"] = base64.StdEncoding.EncodeToString(p)
		b, _ := json.Marshal(env)
		return b
	}
	for name, b := range map[string][]byte{
		"payload type":   mutate(func(env, _ map[string]any) { env["payloadType"] = "text/plain" }),
		"no signature":   mutate(func(env, _ map[string]any) { env["signatures"] = []any{} }),
		"unknown field":  mutate(func(env, _ map[string]any) { env["extra"] = 1 }),
		"statement type": mutate(func(_, st map[string]any) { st["_type"] = "https://in-toto.io/Statement/v0.1" }),
		"predicate type": mutate(func(_, st map[string]any) { st["predicateType"] = "https://slsa.dev/provenance/v1" }),
		"no subject":     mutate(func(_, st map[string]any) { st["subject"] = []any{} }),
		"bad sha256": mutate(func(_, st map[string]any) {
			st["subject"] = []any{map[string]any{"name": "x", "digest": map[string]any{"sha256": "XYZ"}}}
		}),
		"null predicate":  mutate(func(_, st map[string]any) { st["predicate"] = nil }),
		"two values":      append(append([]byte{}, good...), good...),
		"not base64 sig":  []byte(strings.Replace(string(good), `"sig":"`, `"sig":"!!`, 1)),
		"half a cert":     []byte(strings.Replace(string(good), `"sig":`, `"craudit_cert":"AAAA","sig":`, 1)),
		"not json":        []byte("{\"payloadType\":"),
		"statement extra": mutate(func(_, st map[string]any) { st["x"] = 1 }),
	} {
		var de *attest.DecodeError
		if _, err := attest.Decode(b, predType); !errors.As(err, &de) {
			t.Errorf("%s: %v, want a DecodeError", name, err)
		}
	}
}

// TestOpenSSLVerifiesEnvelope: the envelope's signature is the project's
// one format over the DSSE pre-authentication encoding, so openssl checks it
// with the signer's public key.
func TestOpenSSLVerifiesEnvelope(t *testing.T) {
	shared.NeedTools(t, "openssl")
	dir := t.TempDir()
	for _, tc := range []struct {
		typ  keys.Type
		args []string
	}{
		{keys.ECDSAP256, []string{"dgst", "-sha256", "-verify", "k.pub", "-signature", "pae.sig", "pae"}},
		{keys.Ed25519, []string{"pkeyutl", "-verify", "-pubin", "-inkey", "k.pub", "-rawin", "-in", "pae", "-sigfile", "pae.sig"}},
	} {
		c := newChain(t, tc.typ)
		signed, _ := attest.Sign(statement(), c.vendor, c.cert)
		a, err := attest.Decode(signed, predType)
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := base64.StdEncoding.DecodeString(a.Envelope.Signatures[0].Sig)
		os.WriteFile(filepath.Join(dir, "pae"), dsse.PAE(attest.PayloadType, a.Payload), 0o644)
		os.WriteFile(filepath.Join(dir, "pae.sig"), sig, 0o644)
		os.WriteFile(filepath.Join(dir, "k.pub"), c.vendor.Public().MarshalPEM(), 0o644)
		cmd := exec.Command("openssl", tc.args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: openssl rejects the envelope signature: %v\n%s", tc.typ, err, out)
		}
	}
}
