// Package artefacttest builds small updater artefacts in Go for tests that
// need no external tool: a Mender v3 artefact signed with an ECDSA P-256 key
// (raw r||s, as mender-artifact writes), optionally with one payload byte
// changed after signing.
package artefacttest
