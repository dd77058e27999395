// Package primarytest builds small Uptane deployments on disk — a Director
// and an Image repository, in either dialect, signed with
// evidence/uptane — for the tests of the verifier, the reference Primary
// and the benchmarks.
package primarytest
