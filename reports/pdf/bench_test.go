package pdf

import (
	"io"
	"testing"

	"github.com/craudit/craudit/reports/internal/dossiertest"
)

// BenchmarkLarge renders dossier.pdf of a release with a 10,000-component
// SBOM and 1,000 vulnerability findings (generated here, not checked in).
func BenchmarkLarge(b *testing.B) {
	d := dossiertest.Judge(b, dossiertest.Options{Components: 10_000, Vulns: 1_000}).Data()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := (Renderer{}).Render(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
