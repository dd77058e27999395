// Package dbsync keeps the offline OSV database a scan reads
// (DIR/osv-scalibr/<Ecosystem>/all.zip, the layout osv-scanner's offline
// mode reads): its status against an SBOM, importing records (OSV all.zip
// files, folders of OSV JSON, the golang.org/x/vulndb module zip as the Go
// module proxy serves it) and downloading ecosystems' all.zip files from an
// OSV bucket. Every zip it writes is built beside the old one and renamed
// into place only when complete and readable; it never imports osv-scanner.
package dbsync
