// Package evidence is the root of the packages that produce and read the
// evidence craudit judges: keys, the vendor-key certificate, the signed
// device manifest, the bundle, SBOM, vulnerabilities, VEX and provenance, and
// the formats of live evidence (verifier transcripts, attack results).
//
// Each kind of evidence lives in its own sub-package so that parsers of
// untrusted input can be fuzzed without linking syft or osv-scanner.
package evidence
