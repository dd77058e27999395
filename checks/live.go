package checks

import (
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/transcript"
)

// Transcripts returns the reference verifier's runs in live/transcript.json,
// decoded once per Input by transcript.Parse: from Live (gathered now or
// given on the command line) or else from the bundle. The error is an
// *EvidenceError: Absent when there is no transcript, Unreadable when the
// bundle's copy failed verification, Malformed (wrapping the format's
// typed error) when transcript.Parse refuses it. Live must be complete
// before the first call.
func (in *Input) Transcripts() ([]*transcript.Run, error) {
	return in.memo.transcripts.get(func() ([]*transcript.Run, error) {
		return decodeEvidence(in, bundle.TranscriptFile, transcript.Parse)
	})
}

// AttackRuns returns the attack harness's runs in live/attack-results.json,
// decoded once per Input by attackrun.Parse, on the same terms as
// Transcripts.
func (in *Input) AttackRuns() ([]*attackrun.Run, error) {
	return in.memo.attacks.get(func() ([]*attackrun.Run, error) {
		return decodeEvidence(in, bundle.AttackFile, attackrun.Parse)
	})
}
