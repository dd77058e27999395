package fleetcheck

import (
	"context"
	"fmt"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/fleet"
)

var infoRecorded = checks.Info{
	ID: "fleet/status-recorded", Version: Version, Title: "Devices in the field report the outcome of every update attempt", Step: 7,
	MapsTo: []string{"enisa/step/7", "enisa/rec/update-status-recording", "cra/annex-i/part-i/2/l"},
	Basis:  checks.BasisPractice,
	Description: "Judges the fleet status snapshot pinned in the bundle (fleet-status.json, `craudit bundle --fleet-status`): " +
		"signed device reports, verified at ingest, show the outcome of update attempts (success, failure, rollback, " +
		"refused attack) per release and per campaign. The snapshot must be of this product, computed no later than the " +
		"reference time and no older than the policy's fleet.max_status_age (30 days by default). It fails when no " +
		"registered unit ever reported; without a snapshot the step is not evaluated (missing), never passed. It stands " +
		"beside the declaration declare/update-logging: the declaration says the device records outcomes, the snapshot " +
		"shows that it did.",
	Remediation: "Have every device send a signed report after each update attempt, ingest them (`craudit fleet ingest`), " +
		"and pin a current `craudit fleet status --format json` snapshot with `craudit bundle --fleet-status`.",
}

func runRecorded(_ context.Context, in *checks.Input) checks.Outcome {
	s, ev, o := snapshot(in)
	if o != nil {
		return *o
	}
	switch {
	case s.Units == 0:
		return checks.Outcome{Status: checks.Fail, Evidence: ev, Message: "the fleet snapshot has no registered unit: no outcome is recorded"}
	case s.Reporting == 0:
		return checks.Outcome{Status: checks.Fail, Evidence: ev, Message: fmt.Sprintf("none of the %d registered units sent an accepted report: no outcome is recorded", s.Units)}
	}
	var fs []checks.Finding
	var all fleet.Counts
	for _, r := range s.Releases {
		sub := "release/" + r.Version
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoRecorded.ID, sub), Subject: sub, Status: checks.Pass,
			Message: fmt.Sprintf("%s run it; %s", plural(r.Units, "unit", "units"), rates(r.Attempts))})
		all.Attempts += r.Attempts.Attempts
		all.Success += r.Attempts.Success
		all.Failure += r.Attempts.Failure
		all.Rollback += r.Attempts.Rollback
		all.RefusedAttack += r.Attempts.RefusedAttack
	}
	for _, c := range s.Campaigns {
		sub := "campaign/" + c.ID
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoRecorded.ID, sub), Subject: sub, Status: checks.Pass,
			Message: fmt.Sprintf("campaign to release %s: %s", c.Release, rates(c.Attempts))})
	}
	this := ""
	if in.Release != nil {
		this = fmt.Sprintf("; this release (%s) is not in the snapshot yet", in.Release.Version)
		for _, r := range s.Releases {
			if r.Version == in.Release.Version {
				this = fmt.Sprintf("; this release (%s) runs on %s", r.Version, plural(r.Units, "unit", "units"))
			}
		}
	}
	recount := func(fs []checks.Finding) string {
		return fmt.Sprintf("%d of %d registered units report (snapshot of %s from the %s store); %s across %s and %s%s%s",
			s.Reporting, s.Units, s.ReferenceTime.UTC().Format("2006-01-02"), s.Store, rates(all),
			plural(len(s.Releases), "release", "releases"), plural(len(s.Campaigns), "campaign", "campaigns"), this, waivedNote(fs))
	}
	return outcome(fs, ev, recount)
}
