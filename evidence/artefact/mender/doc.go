// Package mender reads and verifies Mender artefacts (format versions 2
// and 3): an uncompressed tar of version, manifest (SHA-256 sums of the
// other members and of every payload file), manifest.sig (base64 of an
// ECDSA P-256 signature, raw r||s or ASN.1, or of an RSA PKCS #1 v1.5
// signature, over the SHA-256 of manifest), header.tar[.gz|.xz|.zst] and
// data/NNNN.tar[.gz|.xz|.zst]. The archive is read once, front to back;
// each payload file is decompressed and hashed as a stream.
package mender
