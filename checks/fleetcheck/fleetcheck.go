package fleetcheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
)

// Version is the behaviour version of every check here.
const Version = 1

const snapshotHint = "pin one with `craudit bundle --fleet-status FILE` (the JSON of `craudit fleet status --format json`)"

// Checks returns the fleet checks.
func Checks() []checks.Check {
	return []checks.Check{
		checks.Func{I: infoRecorded, F: runRecorded},
		checks.Func{I: infoIntegrity, F: runIntegrity},
		checks.Func{I: infoSupport, F: runSupport},
		checks.Func{I: infoOpen, F: runOpen},
		checks.Func{I: infoSilent, F: runSilent},
	}
}

// snapshot returns the bundle's fleet status when it can be judged: present,
// decoded, of this product, computed no later than the reference time and
// not older than the policy's max_status_age. Otherwise the outcome says why.
func snapshot(in *checks.Input) (*fleet.Status, []checks.EvidenceRef, *checks.Outcome) {
	s, err := in.FleetStatus()
	if err != nil {
		o := checks.Outcome{Status: checks.StatusOf(err), Message: err.Error()}
		switch o.Status {
		case checks.Missing:
			o.Message = "the bundle has no fleet status snapshot, so what the devices reported is not evaluated; " + snapshotHint
		case checks.Fail:
			o.Evidence = in.Refs(bundle.FleetStatusFile)
		}
		return nil, nil, &o
	}
	ev := in.Refs(bundle.FleetStatusFile)
	fail := func(msg string) (*fleet.Status, []checks.EvidenceRef, *checks.Outcome) {
		return nil, nil, &checks.Outcome{Status: checks.Fail, Message: msg, Evidence: ev}
	}
	if in.Product == nil {
		return nil, nil, &checks.Outcome{Status: checks.Error, Message: "product.yaml cannot be read, so the fleet snapshot cannot be matched to the product"}
	}
	if id := in.Product.Product.ID; s.Product != id {
		return fail(fmt.Sprintf("the fleet snapshot is of product %q, the bundle of %q", s.Product, id))
	}
	at := s.ReferenceTime.UTC().Format("2006-01-02T15:04:05Z")
	if s.ReferenceTime.After(in.RefTime) {
		return fail("the fleet snapshot was computed for " + at + ", after the reference time " + in.RefTime.UTC().Format("2006-01-02T15:04:05Z"))
	}
	if limit := in.Policy.Fleet.MaxStatusAgeOrDefault(); in.RefTime.Sub(s.ReferenceTime) > limit {
		return fail(fmt.Sprintf("the fleet snapshot was computed for %s, more than %d days before the reference time (policy fleet.max_status_age): it no longer shows the fleet", at, int(limit.Hours()/24)))
	}
	return s, ev, nil
}

// outcome sorts findings and makes the worst of them the status (pass when
// there are none).
func outcome(fs []checks.Finding, ev []checks.EvidenceRef, recount func([]checks.Finding) string) checks.Outcome {
	slices.SortFunc(fs, func(a, b checks.Finding) int { return strings.Compare(a.ID, b.ID) })
	st := checks.Pass
	for _, f := range fs {
		if f.Status.Rank() < st.Rank() {
			st = f.Status
		}
	}
	return checks.Outcome{Status: st, Message: recount(fs), Evidence: ev, Findings: fs, Recount: recount}
}

func count(fs []checks.Finding, s checks.Status) int {
	n := 0
	for _, f := range fs {
		if f.Status == s {
			n++
		}
	}
	return n
}

// waivedNote says how many findings a waiver accepted.
func waivedNote(fs []checks.Finding) string {
	if n := count(fs, checks.Waived); n > 0 {
		return fmt.Sprintf("; %d waived by policy", n)
	}
	return ""
}

// rates describes a set of attempts by outcome, in counts and percent.
func rates(c fleet.Counts) string {
	if c.Attempts == 0 {
		return "no attempt recorded"
	}
	return fmt.Sprintf("%d attempts: %d success (%.1f%%), %d failure (%.1f%%), %d rollback (%.1f%%), %d refused as attacks (%.1f%%)",
		c.Attempts, c.Success, fleet.Rate(c.Success, c.Attempts), c.Failure, fleet.Rate(c.Failure, c.Attempts),
		c.Rollback, fleet.Rate(c.Rollback, c.Attempts), c.RefusedAttack, fleet.Rate(c.RefusedAttack, c.Attempts))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
