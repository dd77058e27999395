// Package pack assembles an evidence bundle from a release's inputs: it
// copies and hashes the artefacts once, makes and signs the device manifest,
// adds the SBOM, scan results, VEX, provenance and the manufacturer's inputs,
// and signs the index. It is the library behind `craudit bundle`.
//
// The heavy producers (SBOM generation with syft, scanning with osv-scanner)
// are passed in as functions, so this package and its tests do not link them.
package pack
