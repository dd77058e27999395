// Package checks judges evidence. A Check has a stable ID, a behaviour
// version, the ENISA lifecycle step it belongs to and the catalogue entries
// (mappings/) it serves; Run looks at the evidence and returns an Outcome.
//
// A failing requirement is a finding (status fail or missing), never an
// error: status error means the check could not judge. The runner applies the
// policy (required checks, waivers) and computes the exit code fixed in the
// design: 0 passed, 1 noncompliant, 2 could not judge.
//
// The checks themselves live in sub-packages by area and are listed, as a
// plain literal list, in checks/list.
package checks
