// Command gotufclient is a stock go-tuf v2 updater (metadata/updater with
// its default configuration and default fetcher) behind the tuf-conformance
// client-under-test protocol, the one `craudit tuf-client` speaks:
//
//	gotufclient --metadata-dir D init ROOT
//	gotufclient --metadata-dir D --metadata-url U refresh
//	gotufclient --metadata-dir D --metadata-url U --target-name P [--target-name P2 ...]
//	    --target-base-url T --target-dir O download
//
// The attack tests run it through the harness to show that the hostile
// repositories judge a sound third-party client fairly. The reference time
// is SOURCE_DATE_EPOCH when set (how the harness fakes time for a Go
// program), else the wall clock. Exit 0 on success, 1 on any failure.
package main
