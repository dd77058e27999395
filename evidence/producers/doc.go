// Package producers wires the heavy evidence producers into the bundler
// (evidence/pack): the SBOM generator (syft, evidence/sbom/generate), the
// SBOM importer (evidence/sbom), the offline vulnerability scanner
// (osv-scanner, evidence/vuln/osvscan) and the signed provenance of the
// bundling step (evidence/provenance).
//
// It is the one library package that links syft and osv-scanner together,
// so that pack, the parsers and their fuzz targets stay light; craudit's
// bundle and demo commands take their pack.Producers from here.
package producers
