// Package vuln holds the vulnerability evidence of a bundle (vulns.json):
// the findings of a scan of the bundle's SBOM, the provenance of the
// database the scan used (source, ecosystems, record counts, undated
// records, newest record), so an auditor can tell how fresh the scan was,
// and, per SBOM component, which database ecosystem covered it or why none
// did (Cover). A bundle made without a scan says so in the same file. It
// also reads OSV records and all.zip files for the database's bookkeeping.
// It never imports osv-scanner (that is vuln/osvscan), so the parsers here
// stay small and fuzzable.
package vuln
