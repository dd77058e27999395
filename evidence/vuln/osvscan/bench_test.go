package osvscan

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkScanReport10000: a 10,000-component SBOM (Go modules, as
// fixtures/benchgen writes for `make bench`) scanned against an offline
// database of 1,000 records, each affecting one component.
func BenchmarkScanReport10000(b *testing.B) {
	const n, vulns = 10000, 1000
	sb, db := benchInput(b, n, vulns)
	b.ResetTimer()
	for b.Loop() {
		r, err := ScanReport(context.Background(), sb, db)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Findings) != vulns {
			b.Fatalf("%d findings, want %d", len(r.Findings), vulns)
		}
	}
}

// benchInput writes the benchmark's SBOM of n Go modules and an offline
// database of vulns records, record k affecting module k*(n/vulns).
func benchInput(tb testing.TB, n, vulns int) (sbom []byte, db string) {
	var comps []string
	for i := range n {
		p := fmt.Sprintf("pkg:golang/example.com/bench/mod%05d@v1.0.0", i)
		comps = append(comps, fmt.Sprintf(`{"bom-ref":%q,"type":"library","name":"example.com/bench/mod%05d","version":"v1.0.0","purl":%q}`, p, i, p))
	}
	sbom = []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` + strings.Join(comps, ",") + `]}`)
	recs := map[string][]byte{}
	for k := range vulns {
		id := fmt.Sprintf("BENCH-2026-%05d", k)
		recs[id+".json"] = fmt.Appendf(nil, `{"schema_version":"1.6.0","id":%q,"modified":"2026-01-01T00:00:00Z","published":"2026-01-01T00:00:00Z",`+
			`"affected":[{"package":{"ecosystem":"Go","name":"example.com/bench/mod%05d"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.1"}]}]}]}`,
			id, k*(n/vulns))
	}
	db = tb.TempDir()
	if err := writeZip(filepath.Join(db, "osv-scalibr", "Go", "all.zip"), recs); err != nil {
		tb.Fatal(err)
	}
	return sbom, db
}

// TestBenchInputScans: the benchmark's input, small, gives exactly one
// finding per record, each on the module the record names, so the
// benchmark measures a scan that matches what it should.
func TestBenchInputScans(t *testing.T) {
	const n, vulns = 100, 10
	sb, db := benchInput(t, n, vulns)
	r, err := ScanReport(context.Background(), sb, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != vulns {
		t.Fatalf("%d findings, want %d", len(r.Findings), vulns)
	}
	got := map[string]string{} // record ID -> component name
	for _, f := range r.Findings {
		got[f.ID] = f.Component.Name
	}
	for k := range vulns {
		id, mod := fmt.Sprintf("BENCH-2026-%05d", k), fmt.Sprintf("example.com/bench/mod%05d", k*(n/vulns))
		if got[id] != mod {
			t.Errorf("%s found on %q, want %s", id, got[id], mod)
		}
	}
}
