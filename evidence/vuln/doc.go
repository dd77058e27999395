// Package vuln holds the vulnerability evidence of a bundle (vulns.json):
// the findings of a scan of the bundle's SBOM, and the provenance of the
// database the scan used (source, ecosystems, record counts, newest record),
// so an auditor can tell how fresh the scan was. A bundle made without a
// scan says so in the same file. It never imports osv-scanner (that is
// vuln/osvscan), so the parsers here stay small and fuzzable.
package vuln
