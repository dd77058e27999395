// Package starter writes the commented product.yaml, answers.yaml and
// policy.yaml that `craudit init` gives a manufacturer starting a
// self-assessment from an empty folder. answers.yaml holds one open entry per
// declaration control, each with a comment saying what it asks and which
// CRA and ENISA items it serves. Every file loads with the project's own
// strict readers, so `craudit check` can list what is still open.
//
// It lives under checks/ because its content is derived from the checks:
// the declaration controls of checks/declare and the policy that the runner
// applies. Evidence packages never import checks.
package starter
