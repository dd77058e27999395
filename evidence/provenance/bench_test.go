package provenance

import (
	"os"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/fixtures/shared"
)

// BenchmarkVerify measures verification of each seed shape with a trusted key.
func BenchmarkVerify(b *testing.B) {
	signer, err := keys.FromSeed(keys.Ed25519, []byte("provenance-test/fuzz"))
	if err != nil {
		b.Fatal(err)
	}
	o := VerifyOptions{Keys: []*keys.PublicKey{signer.Public()}, Artefacts: []Artefact{{Name: "a", SHA256: strings.Repeat("a1", 32)}}}
	for name, doc := range seeds(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Verify(doc, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifySigstore measures offline verification of real
// slsa-github-generator provenance (a Sigstore bundle) against the
// production trusted root.
func BenchmarkVerifySigstore(b *testing.B) {
	tr := liveTrustedRoot(b)
	doc, err := os.ReadFile(shared.Testdata(b, "provenance", "slsa-verifier", "gha_delegator-v2.1.0", "binary-linux-amd64-workflow_dispatch.build.slsa"))
	if err != nil {
		b.Fatal(err)
	}
	o := VerifyOptions{TrustedRoot: tr, Artefacts: []Artefact{{Name: "a", SHA256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}}
	for b.Loop() {
		if res, err := Verify(doc, o); err != nil || !res.Verified() {
			b.Fatalf("%v %+v", err, res)
		}
	}
}
