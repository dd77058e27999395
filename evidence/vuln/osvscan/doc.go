// Package osvscan scans a bundle's SBOM with osv-scanner as a library,
// offline, against a local OSV database; it is the only package of craudit
// that imports osv-scanner. It records, for every component, whether the
// database could match it (vuln.Cover): osv-scanner alone reports zero
// findings for an ecosystem the database lacks or holds empty, so those
// components are listed as not scanned instead. It also fills in Go modules
// with upper-case paths, which osv-scanner v2.5.1 misses.
//
// The database is kept with `craudit db` (import, update, status); craudit
// never downloads during a scan.
package osvscan
