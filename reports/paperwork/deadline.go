package paperwork

import (
	"fmt"
	"time"
)

// Kinds of Art. 14 notification.
const (
	EarlyWarning = "early-warning"
	Notification = "notification"
	FinalReport  = "final-report"
)

// Kinds lists the --kind values.
var Kinds = []string{EarlyWarning, Notification, FinalReport}

// DeadlineInput is what a notification's deadline is computed from.
type DeadlineInput struct {
	Kind     string
	Incident bool
	// AwareAt is when the manufacturer became aware of the vulnerability
	// or incident.
	AwareAt time.Time
	// FixAvailable is when a corrective or mitigating measure became
	// available (the vulnerability final report); zero when none is.
	FixAvailable time.Time
	// FixSource says where FixAvailable comes from.
	FixSource string
	// NotifiedAt is when the incident notification was submitted (the
	// incident final report); zero: the latest it may be, 72 h after
	// awareness.
	NotifiedAt time.Time
}

// Deadline is a computed deadline and how it was computed. When At is
// zero, no deadline can be computed yet and Basis says why.
type Deadline struct {
	At      time.Time `json:"at,omitzero"`
	Basis   string    `json:"basis"`
	Article string    `json:"article"`
}

// ComputeDeadline applies Art. 14(2) (actively exploited vulnerability) or
// Art. 14(4) (severe incident): early warning within 24 hours and
// notification within 72 hours of awareness; the vulnerability final
// report no later than 14 days after a corrective or mitigating measure is
// available; the incident final report within one month after the
// incident notification.
func ComputeDeadline(in DeadlineInput) (Deadline, error) {
	para, letter := "2", ""
	if in.Incident {
		para = "4"
	}
	var d Deadline
	switch in.Kind {
	case EarlyWarning:
		letter = "a"
		d.At, d.Basis = in.AwareAt.Add(24*time.Hour), "24 hours after becoming aware ("+stamp(in.AwareAt)+")"
	case Notification:
		letter = "b"
		d.At, d.Basis = in.AwareAt.Add(72*time.Hour), "72 hours after becoming aware ("+stamp(in.AwareAt)+")"
	case FinalReport:
		letter = "c"
		switch {
		case in.Incident && !in.NotifiedAt.IsZero():
			d.At, d.Basis = in.NotifiedAt.AddDate(0, 1, 0), "one month after the incident notification was submitted ("+stamp(in.NotifiedAt)+")"
		case in.Incident:
			n := in.AwareAt.Add(72 * time.Hour)
			d.At, d.Basis = n.AddDate(0, 1, 0), "one month after the incident notification, taken at the latest it may be submitted: 72 hours after becoming aware ("+stamp(n)+"); give --notified-at for the real submission time"
		case !in.FixAvailable.IsZero():
			d.At, d.Basis = in.FixAvailable.AddDate(0, 0, 14), "14 days after the corrective or mitigating measure became available ("+stamp(in.FixAvailable)+", from "+in.FixSource+")"
		default:
			d.Basis = "no deadline yet: the final report is due 14 days after a corrective or mitigating measure is available, and the evidence shows none (" + in.FixSource + ")"
		}
	default:
		return Deadline{}, fmt.Errorf("kind %q: want %s, %s or %s", in.Kind, EarlyWarning, Notification, FinalReport)
	}
	d.Article = "CRA Art. 14(" + para + ")(" + letter + ")"
	return d, nil
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
