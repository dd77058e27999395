// Package harness holds the commands that test harnesses drive rather than
// people: `craudit tuf-client` (the tuf-conformance client-under-test
// protocol) and `craudit manifest-client` (the manifest-profile updater of
// the attack scenarios). They exit 0 on success and 1 on any failure, as
// the protocols require, take their reference time by cli.HarnessClock and
// leave the work to checks/verifier/clients. tool names the program in the
// transcripts ("craudit VERSION").
package harness
