// Package sbom reads SBOMs craudit did not make — CycloneDX JSON 1.2 and
// later, SPDX JSON 2.2 and later — into one neutral model, converts them to
// CycloneDX 1.6 for the bundle (Import) and merges an imported SBOM into a
// generated one (Merge). Everything here parses untrusted input: it never
// imports syft or osv-scanner (SBOM generation lives in sbom/generate), and
// its parsers have fuzz targets.
//
// It only reads and writes SBOMs; judging one against BSI TR-03183-2 or the
// NTIA minimum elements is checks/sbomreq's work.
package sbom
