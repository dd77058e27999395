// Package judge is the one path from a bundle on disk to a report: verify
// the bundle against the root key, load its inputs, run the checks and apply
// the policy. `check`, `dossier`, `report` and `demo` all go through it, so
// they cannot judge the same evidence differently.
package judge
