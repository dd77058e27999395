// Package storetest starts a real PostgreSQL server for the fleet store's
// tests and benchmarks: initdb in a temporary folder (as an unprivileged
// user when run as root), listening only on a Unix socket in that folder,
// stopped and removed after the package's tests.
package storetest
