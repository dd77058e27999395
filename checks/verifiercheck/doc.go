// Package verifiercheck judges the reference verifier's transcript of a live
// update repository (live/transcript.json, gathered by `check --repo` or
// `dossier --repo`, or put into a bundle with `bundle --transcript`): one
// check per security control the device-side client exercised, tied to the
// ENISA lifecycle steps 3 to 5 and the requirements they serve.
package verifiercheck
