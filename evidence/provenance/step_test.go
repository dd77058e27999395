package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	slsapb "github.com/in-toto/attestation/go/predicates/provenance/v1"
	ita1 "github.com/in-toto/attestation/go/v1"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/craudit/craudit/evidence/keys"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testKey(t testing.TB, typ keys.Type, seed string) *keys.PrivateKey {
	t.Helper()
	k, err := keys.FromSeed(typ, []byte("provenance-test/"+seed))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func stepOptions(signer *keys.PrivateKey) StepOptions {
	return StepOptions{
		Subjects: []StepSubject{
			{Name: "artefacts/thermostat-1.0.1.tar", SHA256: strings.Repeat("a1", 32), SHA512: strings.Repeat("b2", 64)},
			{Name: "artefacts/bootloader.bin", SHA256: strings.Repeat("c3", 32), SHA512: strings.Repeat("d4", 64)},
		},
		Materials: []StepMaterial{
			{URI: "release.yaml", SHA256: strings.Repeat("e5", 32)},
			{URI: "product.yaml", SHA256: strings.Repeat("f6", 32)},
		},
		BuilderID:   "https://craudit.dev/builder/craudit@0.1.0",
		ToolVersion: "0.1.0",
		Started:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Finished:    time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		Signer:      signer,
	}
}

func payloadOf(t *testing.T, line []byte) []byte {
	t.Helper()
	var env dsse.Envelope
	if err := json.Unmarshal(line, &env); err != nil {
		t.Fatal(err)
	}
	p, err := env.DecodeB64Payload()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBundleStepGolden: the statement is deterministic and matches the golden file.
func TestBundleStepGolden(t *testing.T) {
	line, err := BundleStep(stepOptions(testKey(t, keys.Ed25519, "golden")))
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, payloadOf(t, line), "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	golden := filepath.Join("testdata", "bundle-step.statement.golden.json")
	if *update {
		if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("statement differs from %s (run with -update):\n%s", golden, pretty.String())
	}
	// Ed25519 signatures are deterministic: the whole line is reproducible.
	again, _ := BundleStep(stepOptions(testKey(t, keys.Ed25519, "golden")))
	if !bytes.Equal(line, again) {
		t.Error("same inputs gave different envelopes")
	}
	if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
		t.Error("not exactly one JSON line")
	}
}

// TestBundleStepConformsToSpec: in-toto/attestation's own validators accept
// the statement and its SLSA v1 predicate.
func TestBundleStepConformsToSpec(t *testing.T) {
	line, err := BundleStep(stepOptions(testKey(t, keys.ECDSAP256, "spec")))
	if err != nil {
		t.Fatal(err)
	}
	var st ita1.Statement
	if err := protojson.Unmarshal(payloadOf(t, line), &st); err != nil {
		t.Fatal(err)
	}
	if err := st.Validate(); err != nil {
		t.Fatalf("statement invalid: %v", err)
	}
	pj, err := protojson.Marshal(st.GetPredicate())
	if err != nil {
		t.Fatal(err)
	}
	var p slsapb.Provenance
	if err := protojson.Unmarshal(pj, &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("SLSA v1 predicate invalid: %v", err)
	}
	if len(st.GetSubject()) != 2 || st.GetSubject()[0].GetDigest()["sha512"] == "" {
		t.Errorf("subjects %v", st.GetSubject())
	}
}

// TestBundleStepVerify: round trip through Verify, for both key types, with
// the right key, a wrong key, no key, and a wrong artefact.
func TestBundleStepVerify(t *testing.T) {
	for _, typ := range []keys.Type{keys.ECDSAP256, keys.Ed25519} {
		signer, other := testKey(t, typ, "signer"), testKey(t, typ, "other")
		line, err := BundleStep(stepOptions(signer))
		if err != nil {
			t.Fatal(err)
		}
		arts := []Artefact{{Name: "artefacts/thermostat-1.0.1.tar", SHA256: strings.Repeat("a1", 32), SHA512: strings.Repeat("b2", 64)}}
		tests := []struct {
			name     string
			o        VerifyOptions
			sig, sub State
			ok       bool
		}{
			{"trusted key", VerifyOptions{Keys: []*keys.PublicKey{signer.Public()}, Artefacts: arts, BuilderID: "https://craudit.dev/builder/craudit@0.1.0"}, Verified, Verified, true},
			{"other key", VerifyOptions{Keys: []*keys.PublicKey{other.Public()}, Artefacts: arts}, Failed, Verified, false},
			{"either key", VerifyOptions{Keys: []*keys.PublicKey{other.Public(), signer.Public()}, Artefacts: arts}, Verified, Verified, true},
			{"no key", VerifyOptions{Artefacts: arts}, Unverified, Verified, false},
			{"sha512 differs", VerifyOptions{Keys: []*keys.PublicKey{signer.Public()}, Artefacts: []Artefact{{Name: "x", SHA256: strings.Repeat("a1", 32), SHA512: strings.Repeat("00", 64)}}}, Verified, Failed, false},
		}
		for _, tc := range tests {
			t.Run(string(typ)+"/"+tc.name, func(t *testing.T) {
				res, err := Verify(line, tc.o)
				if err != nil {
					t.Fatal(err)
				}
				if got := res.Prop(PropSignature).State; got != tc.sig {
					t.Errorf("signature %s (%s), want %s", got, res.Prop(PropSignature).Detail, tc.sig)
				}
				if got := res.Prop(PropSubject).State; got != tc.sub {
					t.Errorf("subject %s, want %s", got, tc.sub)
				}
				if res.Verified() != tc.ok {
					t.Errorf("Verified() = %v, want %v", res.Verified(), tc.ok)
				}
			})
		}
	}
}

// TestEnvelopeOpenSSL: the DSSE signature is the project's signature format,
// which openssl checks over the pre-authentication encoding.
func TestEnvelopeOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	signer := testKey(t, keys.ECDSAP256, "openssl")
	line, err := BundleStep(stepOptions(signer))
	if err != nil {
		t.Fatal(err)
	}
	var env dsse.Envelope
	if err := json.Unmarshal(line, &env); err != nil {
		t.Fatal(err)
	}
	payload, _ := env.DecodeB64Payload()
	sig, _ := base64.StdEncoding.DecodeString(env.Signatures[0].Sig)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pae, sigF, pub := write("pae", dsse.PAE(env.PayloadType, payload)), write("sig", sig), write("pub.pem", signer.Public().MarshalPEM())
	if out, err := exec.Command("openssl", "dgst", "-sha256", "-verify", pub, "-signature", sigF, pae).CombinedOutput(); err != nil {
		t.Fatalf("openssl rejects the DSSE signature: %v\n%s", err, out)
	}
	if env.Signatures[0].KeyID != signer.Public().ID() {
		t.Errorf("keyid %q, want the key's ID", env.Signatures[0].KeyID)
	}
}

func TestBundleStepRefusesBadOptions(t *testing.T) {
	o := stepOptions(nil)
	if _, err := BundleStep(o); err == nil {
		t.Error("signed without a key")
	}
	o = stepOptions(testKey(t, keys.Ed25519, "x"))
	o.Subjects = nil
	if _, err := BundleStep(o); err == nil {
		t.Error("made a statement without subjects")
	}
}
