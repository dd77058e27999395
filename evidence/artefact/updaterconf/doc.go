// Package updaterconf reads an on-device updater's configuration strictly
// into one typed record (Config): RAUC system.conf, SWUpdate's swupdate.cfg
// and its command line, mender.conf, an OSTree repository's remote
// configuration. The record keeps the facts the checks judge — trust anchor,
// certificate purpose, anti-rollback, download limits, update URLs — plus
// every setting as read; judging them is checks/artefactcheck's work.
package updaterconf
