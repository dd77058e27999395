// Package uptaneattack is the attack harness's Uptane profile: its
// catalogue entries (Catalogue; checks/attack lists them as
// attack/uptane-NAME), its Driver (the uptane-client protocol of
// docs/uptane.md) and the builders of its hostile deployments: a Director
// and an Image repository (TUF 1.0 dialect, go-tuf's metadata API through
// evidence/repo.TUFRepo) served side by side under DirectorPrefix and
// ImagePrefix, for a unit of two ECUs (Unit). Each builder is pure: it
// makes fresh keys and returns one scenario's plan.Plan; nothing is shared
// between scenarios.
package uptaneattack
