package cli

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// TimeRule says where a command's reference time comes from when
// --reference-time is not given (design, "Time").
type TimeRule int

const (
	// WallClock is the rule of the commands that judge validity (verify,
	// check, report, dossier, bundle verify, provenance verify, attack): the
	// wall clock, never SOURCE_DATE_EPOCH, which a reproducible-build job may
	// set to an old date and so make expired metadata look fresh.
	WallClock TimeRule = iota
	// HarnessClock is the rule of the test-protocol clients (tuf-client,
	// manifest-client): SOURCE_DATE_EPOCH when set, because that is how a
	// harness fakes time for a Go client; else the wall clock.
	HarnessClock
)

// Time sources, as transcripts and reports name them.
const (
	SourceFlag  = "--reference-time"
	SourceEpoch = "SOURCE_DATE_EPOCH"
	SourceClock = "wall clock"
)

// ReferenceTime is every command's --reference-time: the flag's value (RFC
// 3339), else what rule says. It returns the time in UTC, whole seconds for
// the clock, and its source.
func ReferenceTime(flag string, rule TimeRule) (time.Time, string, error) {
	if flag != "" {
		t, err := time.Parse(time.RFC3339, flag)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("--reference-time %q: want RFC 3339, e.g. 2026-11-24T12:00:00Z", flag)
		}
		return t.UTC(), SourceFlag, nil
	}
	if rule == HarnessClock {
		return StampTime()
	}
	return now(), SourceClock, nil
}

// StampTime is the time outputs are stamped with (bundle creation, SBOM and
// certificate times, repository metadata): SOURCE_DATE_EPOCH when set, for
// reproducible outputs, otherwise the wall clock. It never judges validity.
func StampTime() (time.Time, string, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return now(), SourceClock, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, "", fmt.Errorf("SOURCE_DATE_EPOCH %q: want a non-negative number of seconds", s)
	}
	return time.Unix(n, 0).UTC(), SourceEpoch, nil
}

func now() time.Time { return time.Now().UTC().Truncate(time.Second) }
