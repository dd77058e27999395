// Package inspectcmd holds the craudit commands that judge or list one
// input on its own, outside the bundle pipeline: `sbom check`, `provenance
// verify` and `mappings`. Flag parsing and wiring only; the judging lives in
// checks/sbomreq, evidence/provenance and mappings.
package inspectcmd
