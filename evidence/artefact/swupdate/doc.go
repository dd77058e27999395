// Package swupdate reads and verifies SWUpdate .swu archives: a cpio
// archive (newc "070701" or crc "070702", whose per-file checksum is the sum
// of the file's bytes) whose first member is sw-description and, when the
// archive is signed, second sw-description.sig — a detached CMS signature
// (verified against a CA) or an RSA PKCS #1 v1.5 SHA-256 signature
// (verified against a public key). sw-description (libconfig syntax, or
// JSON) lists every image, file and script with its sha256; each member is
// hashed as a stream while the archive is read once, front to back.
package swupdate
