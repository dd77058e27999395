// Package provcheck judges the build provenance in a bundle (ENISA step 1,
// build and sign; the advisory's "provenance and traceability" control):
// that every artefact has provenance from its build system, that each
// attestation's signature verifies with trust material the bundle vouches
// for, that subjects match the artefacts, that the builder is allowed by
// policy, and that the build's inputs are recorded.
//
// The bundle's own statement (provenance/craudit.intoto.jsonl) must be
// signed by the bundle's signer, already authenticated against the root
// key. Imported DSSE envelopes are verified with the bundle's signer key or
// the root key; imported Sigstore bundles against the Sigstore trusted root
// kept in the bundle (keys/sigstore-trusted-root.json).
package provcheck
