// Package manifest builds, signs and verifies the device manifest of the ENISA
// "root key + vendor key + signed manifest" update profile: a JSON document
// naming the update's artefacts (size, SHA-256, SHA-512), the products and
// hardware it applies to, its version and rollback counter, when it was made
// and when it stops being valid, and what kind of update it is.
//
// Verification follows the device-side order of the ENISA worked example and
// stops at the first failure: certificate chain to the root key, manifest
// signature by the certified vendor key, then the fields (applicability,
// freshness, anti-rollback) and finally the artefact bytes.
package manifest
