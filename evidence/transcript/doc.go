// Package transcript is the format of the reference verifier's transcript
// (live/transcript.json in a bundle or a dossier): what the device-side
// client asked a live update repository, what it got and what it decided,
// step by step, for one run (Run) or several (Set, one per repository
// profile).
//
// checks/verifier writes transcripts; checks/verifiercheck judges them and
// reports renders them, both from the runs Parse returns. Parse is the one
// reader of the format: a file it refuses is refused everywhere.
package transcript
