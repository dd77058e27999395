package reports

import (
	"errors"

	"github.com/craudit/craudit/checks"
)

// collectFleet takes the fleet status snapshot the fleet/ checks judged
// (the same decoded value); a snapshot that cannot be read is a note.
func (d *Data) collectFleet(in *checks.Input) {
	s, err := in.FleetStatus()
	var ee *checks.EvidenceError
	switch {
	case err == nil:
		d.Fleet = s
	case errors.As(err, &ee) && ee.Kind == checks.Absent:
	default:
		d.note("%v", err)
	}
}
