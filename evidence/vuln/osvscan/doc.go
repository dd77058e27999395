// Package osvscan scans a bundle's SBOM with osv-scanner as a library,
// offline, against a local OSV database; it is the only package of craudit
// that imports osv-scanner. It refuses a database that lacks an ecosystem
// the SBOM needs (osv-scanner alone reports zero findings then), and fills
// in Go modules with upper-case paths, which osv-scanner v2.5.1 misses.
//
// Online use: download the ecosystems' all.zip files from
// https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip into
// DIR/osv-scalibr/<Ecosystem>/all.zip (and write DIR/SOURCE), then pass
// --osv-db DIR; craudit itself never downloads during a scan.
package osvscan
