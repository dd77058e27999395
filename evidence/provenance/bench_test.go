package provenance

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/keys"
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
