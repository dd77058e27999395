// Package declare holds the declaration checks: controls that no tool can
// observe from a release (how signing keys are stored, how a release is
// approved, whether the device installs atomically and logs securely, how
// vulnerabilities are handled). The manufacturer answers each in
// answers.yaml with a status, a statement, an owner and evidence files that
// the bundle pins by hash.
//
// A declaration is never a pass: at best it is "declared", meaning the
// manufacturer states the control is implemented and attached verified
// evidence. The rules, in order:
//
//   - answers.yaml unreadable: error (nothing can be judged); tampered: fail
//   - no declaration, or status open: missing
//   - not_implemented or partial: fail
//   - not_applicable: always with a justification (else missing); for a
//     CRA requirement only where the CRA itself makes it conditional
//     (else fail); for a practice recommendation wherever the manufacturer
//     justifies it
//   - implemented without a statement, an owner or any evidence file:
//     missing (a declaration without evidence is reported as such)
//   - implemented with an evidence file absent from the bundle: missing;
//     with one that failed verification: fail
//   - implemented, complete, every evidence file verified: declared
package declare
