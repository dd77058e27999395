// Command craudit-client is the lean build of craudit's protocol clients:
// `craudit-client tuf-client ...` and `craudit-client manifest-client ...`
// behave exactly as `craudit tuf-client` and `craudit manifest-client` (the
// same code, cmd/craudit/internal/harness) but link only the verifier, not
// the SBOM and scanning libraries, so a call starts in a few milliseconds.
// Test harnesses that run a client thousands of times (the tuf-conformance
// suite, `craudit attack`) use it when it sits beside craudit.
package main
