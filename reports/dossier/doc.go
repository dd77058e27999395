// Package dossier writes and verifies the Annex VII evidence dossier: the
// rendered reports, a copy of the bundle as it is, live evidence gathered at
// dossier time, and SHA256SUMS over every file, signed by the dossier signer.
//
// The dossier is self-contained: an auditor can check it offline with
// `craudit dossier verify`, or with sha256sum and openssl alone.
package dossier
