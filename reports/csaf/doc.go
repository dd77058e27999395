// Package csaf writes the CSAF 2.0 documents of a verified release bundle:
// a csaf_security_advisory for the vulnerabilities the release fixes and a
// csaf_vex document for the release's vulnerability table (VEX statuses,
// justifications as flags, impact statements as threats, action
// statements as remediations). Both come from the same decoded evidence
// the checks judge (checks.Input), are deterministic (dates from the
// caller's stamp, sorted lists) and are validated against the CSAF 2.0
// schema and mandatory tests before they are returned.
package csaf
