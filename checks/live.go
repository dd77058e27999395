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
	transcripts memo[transcript.Run]
	attacks     memo[attackrun.Run]
}

// memo is one file's runs, decoded on first use.
type memo[T any] struct {
	once sync.Once
	runs []*T
	err  error
}

func (m *memo[T]) get(decode func() ([]*T, error)) ([]*T, error) {
	m.once.Do(func() { m.runs, m.err = decode() })
	return m.runs, m.err
}

// Transcripts returns the reference verifier's runs in live/transcript.json,
// decoded once per Input: from Live (gathered now or given on the command
// line) or else from the bundle. No transcript gives no runs and no error;
// a transcript that cannot be read or is refused by transcript.Parse gives
// the error. Live must be complete before the first call.
func (in *Input) Transcripts() ([]*transcript.Run, error) {
	return in.live.transcripts.get(func() ([]*transcript.Run, error) {
		return decodeLive(in, bundle.TranscriptFile, transcript.Parse)
	})
}

// AttackRuns returns the attack harness's runs in live/attack-results.json,
// decoded once per Input, on the same terms as Transcripts.
func (in *Input) AttackRuns() ([]*attackrun.Run, error) {
	return in.live.attacks.get(func() ([]*attackrun.Run, error) {
		return decodeLive(in, bundle.AttackFile, attackrun.Parse)
	})
}

// decodeLive reads live evidence at p: absent (neither in Live nor listed in
// the bundle's index) is no runs and no error.
func decodeLive[T any](in *Input, p string, parse func([]byte) ([]*T, error)) ([]*T, error) {
	if _, ok := in.Live[p]; !ok && !in.listed(p) {
		return nil, nil
	}
	b, err := in.Read(p)
	if err != nil {
		return nil, err
	}
	return parse(b)
}

// listed reports whether the bundle's index names p (verified or not).
func (in *Input) listed(p string) bool {
	if in.Bundle == nil || in.Bundle.Index == nil {
		return false
	}
	_, ok := in.Bundle.Index.Item(p)
	return ok
}
