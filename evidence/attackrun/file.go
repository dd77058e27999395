package attackrun

import (
	"fmt"

	"github.com/craudit/craudit/evidence/runset"
)

// MaxSize bounds an attack-results file.
const MaxSize = 32 << 20

// Set is several runs in one file (one per profile), the shape of
// live/attack-results.json.
type Set = runset.Set[Run]

// NewSet puts runs in one set, in the order given.
func NewSet(runs ...*Run) *Set { return &Set{Schema: SetSchema, Runs: runs} }

// JSON encodes one run (what `craudit attack --format json` writes).
func (r *Run) JSON() []byte { return runset.Encode(r) }

// format is the one definition of what an attack-results file may hold.
var format = runset.Format[Run]{
	Name: "attack results", SetSchema: SetSchema, RunSchema: Schema, MaxSize: MaxSize,
	// Files written before the set shape hold a JSON list of runs.
	BareList: true,
	SchemaOf: func(r *Run) string { return r.Schema },
	Check:    check,
}

// Parse reads an attack-results file: a Set, one Run, or a JSON list of
// runs. Errors are *runset.SizeError, *runset.SchemaError or
// *runset.DecodeError.
func Parse(b []byte) ([]*Run, error) { return format.Decode(b) }

// check refuses a run a judge could misread: an unknown protocol, or a
// scenario that does not say what a secure client must do.
func check(r *Run) error {
	if !Known(r.Profile) {
		return fmt.Errorf("profile %q (want one of %v)", r.Profile, Profiles)
	}
	for i, s := range r.Scenarios {
		if s.Expect != Accept && s.Expect != Reject {
			return fmt.Errorf("scenario %d (%s): expect %q (want accept or reject)", i, s.ID, s.Expect)
		}
	}
	return nil
}
