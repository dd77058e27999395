package verifier

import (
	"encoding/json"
	"errors"
)

// SetSchema identifies a file holding several runs (e.g. one per profile of
// the same release); live/transcript.json may hold a Transcript or a Set.
const SetSchema = "https://craudit.dev/schema/verifier-transcripts/v1"

// Set is several transcripts in one evidence file.
type Set struct {
	Schema string        `json:"schema"`
	Runs   []*Transcript `json:"runs"`
}

// NewSet bundles transcripts, in the order given.
func NewSet(ts ...*Transcript) *Set { return &Set{Schema: SetSchema, Runs: ts} }

// JSON encodes the set.
func (s *Set) JSON() []byte {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// OK reports whether every run verified.
func (s *Set) OK() bool {
	for _, t := range s.Runs {
		if !t.OK() {
			return false
		}
	}
	return len(s.Runs) > 0
}

// ParseTranscripts reads a Transcript or a Set and returns its runs.
func ParseTranscripts(b []byte) ([]*Transcript, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, err
	}
	if head.Schema != SetSchema {
		t, err := ParseTranscript(b)
		if err != nil {
			return nil, err
		}
		return []*Transcript{t}, nil
	}
	var s Set
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	if len(s.Runs) == 0 {
		return nil, errors.New("transcript set holds no run")
	}
	for _, t := range s.Runs {
		if t == nil || t.Schema != TranscriptSchema {
			return nil, errors.New("transcript set holds a run of another format")
		}
	}
	return s.Runs, nil
}
