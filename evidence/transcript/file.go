package transcript

import (
	"fmt"
	"slices"

	"github.com/craudit/craudit/evidence/runset"
)

// MaxSize bounds a transcript file: a run against a repository of 10,000
// targets records about 10 MB.
const MaxSize = 32 << 20

// Set is several runs in one file (one per profile of the same release).
type Set = runset.Set[Run]

// NewSet puts runs in one set, in the order given.
func NewSet(runs ...*Run) *Set { return &Set{Schema: SetSchema, Runs: runs} }

// JSON encodes the run; apart from times, durations and ports it is the same
// for the same repository and options.
func (t *Run) JSON() []byte { return runset.Encode(t) }

// format is the one definition of what a transcript file may hold.
var format = runset.Format[Run]{
	Name: "verifier transcript", SetSchema: SetSchema, RunSchema: Schema, MaxSize: MaxSize,
	SchemaOf: func(t *Run) string { return t.Schema },
	Check:    check,
}

// Parse reads a transcript file: a Set, or one Run. Errors are
// *runset.SizeError, *runset.SchemaError or *runset.DecodeError.
func Parse(b []byte) ([]*Run, error) { return format.Decode(b) }

// check refuses a run whose words are not the format's: the checks would
// otherwise pass over steps they cannot judge.
func check(t *Run) error {
	if t.Profile != ProfileTUF && t.Profile != ProfileManifest && t.Profile != ProfileUptane {
		return fmt.Errorf("profile %q (want tuf, manifest or uptane)", t.Profile)
	}
	if t.Verdict != Verified && t.Verdict != Failed {
		return fmt.Errorf("verdict %q (want %s or %s)", t.Verdict, Verified, Failed)
	}
	for i, s := range t.Steps {
		switch {
		case s.Verdict != Pass && s.Verdict != Fail && s.Verdict != Skip && s.Verdict != Info:
			return fmt.Errorf("step %d (%s): verdict %q", i, s.ID, s.Verdict)
		case !slices.Contains(Controls, s.Control):
			return fmt.Errorf("step %d (%s): control %q", i, s.ID, s.Control)
		}
	}
	return nil
}
