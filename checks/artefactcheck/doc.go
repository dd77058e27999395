// Package artefactcheck judges the updater evidence `bundle` records for
// RAUC bundles, SWUpdate archives and Mender artefacts — signed, signer
// chained to the anchor product.yaml declares, every image hashed, version
// not lower than the previous release's — and the updater configuration
// given with --updater-config: a verification key, a certificate purpose,
// anti-rollback, download limits and https-only update URLs. Every finding
// that fails names what the integrator must add.
package artefactcheck
