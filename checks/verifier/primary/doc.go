// Package primary is the Uptane profile of the reference verifier: the
// state machine of an Uptane Primary (Uptane Standard 2.1, section 5.4.4)
// over two repositories, the Director and the Image repository, in both
// metadata dialects (evidence/uptane).
//
// Full verification: time; the Director's root chain, its timestamp and
// snapshot when it publishes them (their absence is a named deviation, as
// aktualizr and ota-tuf deploy), its targets (no delegations, unique ECU
// IDs, every listed ECU one of the vehicle's); then the Image repository
// (root chain, timestamp, snapshot, targets, delegations); then per
// Director target the cross-repository checks (found through the
// delegations, same length, same hashes, the custom fields that SHALL
// match, hardware ID, release counter not decreasing) and, when asked,
// the image itself. Partial verification (a Secondary's) stops after the
// Director's targets.
//
// It is transport-free: a Source gives the bytes (checks/verifier wires
// the bounded HTTPS client; tests and the conformance vectors a folder).
// Every decision is a transcript step named after the Standard's clause
// (director/no-delegations, director/unique-ecu, cross/hashes-equal,
// cross/custom-match, ecu/hardware-id, ecu/release-counter, ...), and
// every failure carries a Class in the vocabulary of the Uptane test
// vectors (BadKeyId, UnmetThreshold, TargetMismatch, ...).
//
// go-tuf is not used here: its metadata types refuse both deployed
// dialects (capitalised _type, "method", base64 signatures, OTA keys), and
// its trustedmetadata refuses a Director without snapshot; the TUF client
// workflow is followed step by step instead.
package primary
