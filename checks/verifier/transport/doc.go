// Package transport is the verifier's bounded HTTP(S) client. A device-side
// updater talks to a repository it must not trust for availability: every
// download has a size limit, the whole run has a deadline, a transfer that
// drips slower than a minimum rate is cut off, redirects are bounded and may
// never leave HTTPS, and TLS is at least 1.2 with the chain checked against the
// given CA. Every request is recorded, so the transcript shows what was asked
// and what came back.
package transport
