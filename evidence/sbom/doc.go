// Package sbom reads SBOMs craudit did not make — CycloneDX JSON 1.2 and
// later, SPDX JSON 2.2 and later — into one neutral model, converts them to
// CycloneDX 1.6 for the bundle (Import), and judges an SBOM against the
// required fields of BSI TR-03183-2 v2.1.0 or the NTIA minimum elements
// (Check). Everything here parses untrusted input: it never imports syft or
// osv-scanner (SBOM generation lives in sbom/generate), and its parsers
// have fuzz targets.
//
// Requirement IDs are catalogue IDs (bsi-tr-03183-2/<field>, ntia/<element>)
// and never change; the JSON report format (CheckSchema) only grows.
package sbom
