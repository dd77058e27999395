// Package clients runs the reference verifier (checks/verifier) as the two
// device-side updaters that test harnesses drive: the tuf-conformance
// client-under-test (TUFInit, TUFUpdate) and the manifest-profile updater of
// the attack scenarios (ManifestUpdate, protocol in
// docs/manifest-client-protocol.md).
//
// Each returns an error for any failure, which the protocols map to exit 1;
// the command line (craudit tuf-client, craudit manifest-client) only parses
// flags and picks the reference time.
package clients
