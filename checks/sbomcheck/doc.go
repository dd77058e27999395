// Package sbomcheck holds the checks on a bundle's SBOM, vulnerability scan
// and VEX statements: sbom/present, sbom/covers-artefacts, sbom/bsi-fields,
// vuln/scan-present, vuln/db-fresh, vuln/known-exploitable and
// vex/unmatched-statements. sbom/bsi-fields runs the same function as
// `craudit sbom check`.
package sbomcheck
