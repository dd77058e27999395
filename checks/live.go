package checks

import (
	"sync"

	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/transcript"
)

// liveMemo holds the live evidence decoded once per Input. Its zero value
// is ready: nothing is decoded before the first accessor call.
type liveMemo struct {
	transcripts onceRuns[transcript.Run]
	attacks     onceRuns[attackrun.Run]
}

// onceRuns is one file's runs, decoded on first use.
type onceRuns[T any] struct {
	once sync.Once
	runs []*T
	err  error
}

func (m *onceRuns[T]) get(decode func() ([]*T, error)) ([]*T, error) {
	m.once.Do(func() { m.runs, m.err = decode() })
	return m.runs, m.err
}

// Transcripts returns the reference verifier's runs in live/transcript.json,
// decoded once per Input by transcript.Parse: from Live (gathered now or
// given on the command line) or else from the bundle. The error is an
// *EvidenceError: Absent when there is no transcript, Unreadable when the
// bundle's copy failed verification, Malformed (wrapping the format's
// typed error) when transcript.Parse refuses it. Live must be complete
// before the first call.
func (in *Input) Transcripts() ([]*transcript.Run, error) {
	return in.live.transcripts.get(func() ([]*transcript.Run, error) {
		return decodeEvidence(in, bundle.TranscriptFile, transcript.Parse)
	})
}

// AttackRuns returns the attack harness's runs in live/attack-results.json,
// decoded once per Input by attackrun.Parse, on the same terms as
// Transcripts.
func (in *Input) AttackRuns() ([]*attackrun.Run, error) {
	return in.live.attacks.get(func() ([]*attackrun.Run, error) {
		return decodeEvidence(in, bundle.AttackFile, attackrun.Parse)
	})
}
