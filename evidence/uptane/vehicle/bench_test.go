package vehicle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

// BenchmarkParseVerify reads and verifies one real manifest per iteration:
// the reference implementation's (Ed25519, three signatures) and OTA
// Connect's (RSA-PSS 2048, two signatures).
func BenchmarkParseVerify(b *testing.B) {
	ri := shared.Testdata(b, "uptane", "reference-implementation")
	ota := shared.Testdata(b, "uptane", "ota-connect")
	for _, tc := range []struct {
		name, file string
		keys       []string
	}{
		{"reference-implementation", filepath.Join(ri, "samples", "sample_vehicle_version_manifest_democar.json"),
			[]string{filepath.Join(ri, "demo", "keys", "primary.pub"), filepath.Join(ri, "demo", "keys", "secondary.pub")}},
		{"ota-connect", filepath.Join(ota, "v3.json"), []string{filepath.Join(ota, "v3.pem")}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			raw, err := os.ReadFile(tc.file)
			if err != nil {
				b.Fatal(err)
			}
			kr := loadKeys(b, tc.keys...)
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				m, err := Parse(tc.file, raw)
				if err != nil {
					b.Fatal(err)
				}
				if r := Verify(m, kr, at2026); !r.Verified {
					b.Fatal("not verified")
				}
			}
		})
	}
}
