// Package attest is craudit's signed live evidence: an in-toto Statement v1
// in a DSSE envelope, whose subjects bind what was measured (the repository
// and its TLS certificate for a verifier transcript, the updater's digest for
// attack results) and whose predicate is the evidence document itself.
//
// It builds and signs envelopes (Sign), decodes them strictly and boundedly
// (Decode, the one reader of the format), and verifies the signature against
// a trust anchor: the root key, a key the root key certifies through a
// certificate carried in the envelope, or another key the caller already
// authenticated (Verify). The format is in docs/formats.md.
package attest
