// Command weakclient is a deliberately weak updater for the attack tests.
// It speaks both client protocols (tuf-conformance's and manifest-client's)
// and is weak in one way, chosen by its first argument:
//
//	--mode=refuse    refuses everything (exit 1)
//	--mode=accept    installs whatever the server sends, checks nothing (exit 0)
//	--mode=noexpiry  verifies everything but expiry
//	--mode=nohash    verifies everything but the downloaded file's hashes
//
// The verifying modes run craudit's reference verifier and then ignore the
// one control their weakness names.
package main
