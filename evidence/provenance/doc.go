// Package provenance reads, makes and verifies build provenance: in-toto
// Statements (v0.1 and v1) carrying SLSA provenance (v0.2 and v1), wrapped in
// DSSE envelopes, in .intoto.jsonl files (one envelope or Sigstore bundle per
// line), or in Sigstore bundles (v0.1 to v0.3).
//
// Parsing (Parse, ParseStatement) never trusts anything: it only shapes
// untrusted bytes. Verify judges one provenance file against trust material
// the caller supplies (a public key, a Sigstore trusted root) and reports,
// property by property, what was verified, what failed and what could not be
// verified for want of trust material. BundleStep makes the signed statement
// craudit records for its own bundling step.
//
// The package imports neither syft nor osv-scanner, so its fuzz targets
// build quickly.
package provenance
