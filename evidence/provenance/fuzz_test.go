package provenance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/keys"
)

// keyBundle wraps a signed DSSE line into a Sigstore bundle v0.3 whose
// verification material is a managed-key hint (no log entry): the shape
// `cosign attest --key --tlog-upload=false --new-bundle-format` writes.
func keyBundle(t testing.TB, line []byte, hint string) []byte {
	t.Helper()
	var env struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
		Signatures  []struct {
			KeyID string `json:"keyid"`
			Sig   string `json:"sig"`
		} `json:"signatures"`
	}
	if err := json.Unmarshal(line, &env); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{
		"mediaType":            "application/vnd.dev.sigstore.bundle.v0.3+json",
		"verificationMaterial": map[string]any{"publicKey": map[string]any{"hint": hint}},
		"dsseEnvelope": map[string]any{
			"payload": env.Payload, "payloadType": env.PayloadType,
			"signatures": []map[string]any{{"sig": env.Signatures[0].Sig, "keyid": ""}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seeds are small documents of every accepted shape, written to testdata/
// with -update so the corpus is visible and reviewable.
func seeds(t testing.TB) map[string][]byte {
	signer, err := keys.FromSeed(keys.Ed25519, []byte("provenance-test/fuzz"))
	if err != nil {
		t.Fatal(err)
	}
	o := stepOptions(signer)
	o.Subjects = o.Subjects[:1]
	o.Materials = o.Materials[:1]
	line, err := BundleStep(o)
	if err != nil {
		t.Fatal(err)
	}
	unsignedV01 := `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2",` +
		`"subject":[{"name":"fw.bin","digest":{"sha256":"` + strings.Repeat("0", 64) + `"}}],` +
		`"predicate":{"builder":{"id":"https://ci.example/builder"},"buildType":"https://ci.example/type",` +
		`"invocation":{"configSource":{"uri":"git+https://git.example/fw@refs/tags/v1","digest":{"sha1":"` + strings.Repeat("1", 40) + `"},"entryPoint":"build.yml"}},` +
		`"metadata":{"buildStartedOn":"2026-01-01T00:00:00Z","completeness":{"parameters":false,"environment":false,"materials":false},"reproducible":false},` +
		`"materials":[{"uri":"git+https://git.example/fw@refs/tags/v1","digest":{"sha1":"` + strings.Repeat("1", 40) + `"}}]}}` + "\n"
	return map[string][]byte{
		"dsse.intoto.jsonl":        line,
		"two-lines.intoto.jsonl":   append(append([]byte{}, line...), line...),
		"sigstore-key.bundle.json": keyBundle(t, line, "craudit-test"),
		"unsigned-v0.1.json":       []byte(unsignedV01),
	}
}

func loadSeeds(f *testing.F) {
	s := seeds(f)
	if *update {
		for name, b := range s {
			if err := os.WriteFile(filepath.Join("testdata", "seed-"+name), b, 0o644); err != nil {
				f.Fatal(err)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "seed-*"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, b := range s {
		f.Add(b)
	}
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"AA=="}]}`))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}`))
}

// FuzzParse: Parse never panics, and what it accepts is well formed.
func FuzzParse(f *testing.F) {
	loadSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		atts, err := Parse(b)
		if err != nil {
			return
		}
		if len(atts) == 0 {
			t.Fatal("no error and no attestation")
		}
		for _, a := range atts {
			if a.Statement != nil && len(a.Statement.Subjects) == 0 {
				t.Fatal("accepted a statement without subjects")
			}
			if a.Kind == KindSigstore && a.Bundle == nil {
				t.Fatal("sigstore attestation without its bundle")
			}
		}
	})
}

// FuzzVerify: verification of anything parseable never panics and never
// verifies a signature without trust material.
func FuzzVerify(f *testing.F) {
	loadSeeds(f)
	signer, err := keys.FromSeed(keys.Ed25519, []byte("provenance-test/fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if res, err := Verify(b, VerifyOptions{}); err == nil && res.Prop(PropSignature).State == Verified {
			t.Fatal("signature verified with no trust material")
		}
		_, _ = Verify(b, VerifyOptions{Keys: []*keys.PublicKey{signer.Public()},
			Artefacts: []Artefact{{Name: "a", SHA256: strings.Repeat("a1", 32)}}, BuilderID: "x", SourceURI: "y"})
	})
}

// FuzzStatement: the statement decoder alone, fed payload bytes directly.
func FuzzStatement(f *testing.F) {
	for _, b := range seeds(f) {
		if atts, err := Parse(b); err == nil && atts[0].Payload != nil {
			f.Add(atts[0].Payload)
		}
	}
	f.Add([]byte(`{"_type":"https://in-toto.io/Statement/v1","predicateType":"https://slsa.dev/provenance/v1","subject":[{"digest":{"sha256":"00"}}],"predicate":{"buildDefinition":{"externalParameters":{"source":{"uri":"x"}}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStatement(b)
		if err == nil && (s.Type == "" || s.PredicateType == "") {
			t.Fatal("accepted a statement without types")
		}
	})
}

// TestKeyBundle: a Sigstore bundle signed with a managed key verifies with
// that key offline, and not with another.
func TestKeyBundle(t *testing.T) {
	signer, other := testKey(t, keys.ECDSAP256, "bundle"), testKey(t, keys.ECDSAP256, "bundle-other")
	line, err := BundleStep(stepOptions(signer))
	if err != nil {
		t.Fatal(err)
	}
	b := keyBundle(t, line, "hint")
	arts := []Artefact{{Name: "fw", SHA256: strings.Repeat("a1", 32)}}
	res, err := Verify(b, VerifyOptions{Keys: []*keys.PublicKey{signer.Public()}, Artefacts: arts})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified() || res.Attestations[0].Kind != KindSigstore || res.Attestations[0].BundleVersion != "v0.3" {
		t.Fatalf("own key bundle: %+v %+v", res.Properties, res.Attestations[0])
	}
	res, _ = Verify(b, VerifyOptions{Keys: []*keys.PublicKey{other.Public()}, Artefacts: arts})
	if res.Prop(PropSignature).State != Failed {
		t.Errorf("other key: %+v", res.Prop(PropSignature))
	}
	// A changed payload inside the bundle fails.
	bad := []byte(strings.Replace(string(b), `"payload":"`, `"payload":"A`, 1))
	if res, err := Verify(bad, VerifyOptions{Keys: []*keys.PublicKey{signer.Public()}}); err == nil && res.Prop(PropSignature).State == Verified {
		t.Error("changed bundle verified")
	}
}
