// Package sarif renders a check report as SARIF 2.1.0 for code-scanning
// tools (GitHub code scanning accepts it through upload-sarif).
//
// Every check becomes a rule, with help text naming the CRA and ENISA
// entries it serves. Results are the outcomes a reviewer must act on: fail
// and missing (kind fail, level error; warning when the policy does not
// require the check), waived (kind fail with an accepted external
// suppression), declared (kind review) and error (kind open, also a tool
// execution notification). Passing and not-applicable outcomes are not
// results, since code-scanning services would turn them into alerts; they
// are listed, with the summary, in the run's properties. A check whose
// findings failed gives one result per failing finding, so each can be
// tracked and dismissed on its own.
//
// Output is deterministic: no wall-clock time, rules and results sorted.
package sarif
