// Package cli is the plumbing every craudit command shares: the exit-code
// errors and their mapping (0 passed, 1 noncompliant or a verification
// failure, 2 could not run), the one --reference-time rule and the output
// stamp time, how every command opens a signing key (--signing-key file or
// pkcs11: URI, --passphrase-env or a terminal prompt), and the generated
// command-line reference. It holds no domain
// logic: that lives in the library packages the commands wire together.
package cli
