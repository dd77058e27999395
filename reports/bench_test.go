package reports_test

import (
	"testing"

	"github.com/craudit/craudit/reports/internal/dossiertest"
)

// BenchmarkCollect reads the evidence of a release with a 10,000-component
// SBOM and 1,000 vulnerabilities into report data.
func BenchmarkCollect(b *testing.B) {
	j := dossiertest.Judge(b, dossiertest.Options{Components: 10_000, Vulns: 1_000})
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		j.Data()
	}
}
