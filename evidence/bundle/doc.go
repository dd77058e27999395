// Package bundle writes and verifies an evidence bundle: a directory holding
// the update artefacts and all evidence about them, indexed by bundle.json
// (every file with role, media type, size, SHA-256 and SHA-512) and signed
// detached by the vendor key (bundle.json.sig). The vendor key's certificate
// travels in keys/; the root key never does — it is supplied by the verifier.
//
// Open verifies once and keeps what it verified: the bytes it hashed (up to
// a memory cap) are what Read returns, without going back to disk; anything
// else is hashed again when read or copied (CopyItem streams) and refused if
// it no longer matches the signed index.
//
// A bundle is immutable once signed: live evidence gathered later goes into
// the dossier, never into the bundle.
package bundle
