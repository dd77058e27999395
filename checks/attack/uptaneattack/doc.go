// Package uptaneattack builds the Uptane profile's hostile deployments: a
// Director and an Image repository (TUF 1.0 dialect, go-tuf's metadata API
// through evidence/repo.TUFRepo) served side by side under DirectorPrefix
// and ImagePrefix, for a unit of two ECUs (Unit). Each builder is pure: it
// makes fresh keys and returns one scenario's plan.Plan; nothing is shared
// between scenarios.
package uptaneattack
