package fleetcheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks"
)

var infoSupport = checks.Info{
	ID: "fleet/support-period", Version: Version, Title: "Units in the field are within their support period",
	MapsTo: []string{"cra/art-13/8", "cra/art-13/19"},
	Basis:  checks.BasisCRA,
	Description: "Article 13(8): the support period of a unit starts when it is placed on the market. The pinned fleet " +
		"status snapshot splits the registered units into in support, past the end of their support period " +
		"(placed-on-market date plus product.yaml's period, or a batch's own end date), without a placed-on-market record, " +
		"and units whose end was not judged (product.yaml gave no rule for them). Each unit past " +
		"support is a finding (fleet/support-period#unit/<ID>) that fails under the default policy " +
		"(fleet.past_support: fail) and is shown as a pass with fleet.past_support: report; a unit without a known start " +
		"and a unit whose end was not judged are not evaluated (missing), never guessed. The declared period itself is judged by product/support-period.",
	Remediation: "Record when every unit was placed on the market (`craudit fleet ingest --placed-on-market`); for units past " +
		"their support period, extend support or confirm their users were told the end date (Article 13(19)) and set " +
		"fleet.past_support: report or waive each unit.",
}

func runSupport(_ context.Context, in *checks.Input) checks.Outcome {
	s, ev, o := snapshot(in)
	if o != nil {
		return *o
	}
	if s.Units == 0 {
		return checks.Outcome{Status: checks.Missing, Evidence: ev, Message: "the fleet snapshot has no registered unit, so no unit's support period can be judged"}
	}
	report := in.Policy.Fleet.Reports(in.Policy.Fleet.PastSupport)
	var fs []checks.Finding
	for _, u := range s.Support.PastSupport {
		f := checks.Finding{ID: checks.FindingID(infoSupport.ID, "unit/"+u), Subject: "unit/" + u, Status: checks.Fail,
			Message: "past the end of its support period"}
		if report {
			f.Status, f.Message = checks.Pass, "past the end of its support period (shown; the policy's fleet.past_support is report)"
		}
		fs = append(fs, f)
	}
	for _, u := range s.Support.UnknownStart {
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoSupport.ID, "unit/"+u), Subject: "unit/" + u, Status: checks.Missing,
			Message: "no placed-on-market record: its support period is not evaluated"})
	}
	// Units neither in, past nor without a start: their end was not judged
	// (no support rule in the snapshot's product.yaml for them).
	unjudged := s.Units - s.Support.InSupport - len(s.Support.PastSupport) - len(s.Support.UnknownStart)
	if unjudged > 0 {
		why := "their support end was not computed"
		if s.Support.Problem != "" {
			why = s.Support.Problem
		}
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoSupport.ID, "not-judged"), Subject: "not-judged", Status: checks.Missing,
			Message: fmt.Sprintf("%d units with a placed-on-market record are not evaluated: %s", unjudged, why)})
	}
	recount := func(fs []checks.Finding) string {
		msg := fmt.Sprintf("%d registered units: %d in support, %d past the end of support, %d without a placed-on-market record (not evaluated)",
			s.Units, s.Support.InSupport, len(s.Support.PastSupport), len(s.Support.UnknownStart))
		if unjudged > 0 {
			msg += fmt.Sprintf(", %d whose end was not judged", unjudged)
		}
		if s.Support.Basis != "" {
			msg += "; ends computed as " + s.Support.Basis
		}
		return msg + waivedNote(fs)
	}
	return outcome(fs, ev, recount)
}

var infoSilent = checks.Info{
	ID: "fleet/silent-units", Version: Version, Title: "No unit has gone silent", Step: 7,
	MapsTo: []string{"enisa/step/7", "enisa/rec/update-status-recording"},
	Basis:  checks.BasisPractice,
	Description: "From the pinned fleet status snapshot: units without an accepted report for more than its silent_days " +
		"(never reporting included) are listed (fleet/silent-units#unit/<ID>). A silent unit's update status is unknown: " +
		"it may be offline, broken, or its reports suppressed. The check fails when the silent share of the registered " +
		"units is over the policy's fleet.max_silent_percent (0 by default: any silent unit fails).",
	Remediation: "Find out why the units stopped reporting (offline, decommissioned, failed update, blocked reporting); " +
		"remove decommissioned units from the registry, or set fleet.max_silent_percent to the share you accept.",
}

func runSilent(_ context.Context, in *checks.Input) checks.Outcome {
	s, ev, o := snapshot(in)
	if o != nil {
		return *o
	}
	if s.Units == 0 {
		return checks.Outcome{Status: checks.Missing, Evidence: ev, Message: "the fleet snapshot has no registered unit"}
	}
	limit := in.Policy.Fleet.MaxSilentPercent
	share := 100 * float64(len(s.SilentUnits)) / float64(s.Units)
	over := share > limit
	var fs []checks.Finding
	for _, u := range s.SilentUnits {
		f := checks.Finding{ID: checks.FindingID(infoSilent.ID, "unit/"+u), Subject: "unit/" + u, Status: checks.Fail,
			Message: fmt.Sprintf("no accepted report for more than %d days", s.SilentDays)}
		if !over {
			f.Status = checks.Pass
			f.Message += fmt.Sprintf(" (within the policy's fleet.max_silent_percent of %g%%)", limit)
		}
		fs = append(fs, f)
	}
	recount := func(fs []checks.Finding) string {
		return fmt.Sprintf("%d of %d registered units (%.1f%%) silent for more than %d days; the policy allows %g%%%s",
			len(s.SilentUnits), s.Units, share, s.SilentDays, limit, waivedNote(fs))
	}
	return outcome(fs, ev, recount)
}

var infoOpen = checks.Info{
	ID: "fleet/open-vulnerabilities", Version: Version, Title: "No unit runs a release with open vulnerabilities", Step: 7,
	MapsTo: []string{"enisa/step/7", "cra/annex-i/part-ii/2"},
	Basis:  checks.BasisPractice,
	Description: "From the pinned fleet status snapshot: for every release some unit runs, the vulnerabilities open in it " +
		"(not covered by a VEX statement), as `craudit fleet status --bundle` judged them from that release's bundle. A " +
		"release with open vulnerabilities fails (fleet/open-vulnerabilities#release/<version>, waivable); a release " +
		"no bundle was given for is not evaluated (missing), never passed.",
	Remediation: "Roll the units out to a release without open vulnerabilities (or publish justified VEX statements), and " +
		"give `craudit fleet status` a --bundle for every release in the field.",
}

func runOpen(_ context.Context, in *checks.Input) checks.Outcome {
	s, ev, o := snapshot(in)
	if o != nil {
		return *o
	}
	if s.Reporting == 0 {
		return checks.Outcome{Status: checks.Missing, Evidence: ev, Message: "no unit reports, so no release in the field is known"}
	}
	var fs []checks.Finding
	for _, r := range s.Releases {
		if r.Units == 0 {
			continue
		}
		sub := "release/" + r.Version
		f := checks.Finding{ID: checks.FindingID(infoOpen.ID, sub), Subject: sub}
		runs := plural(r.Units, "unit runs", "units run")
		switch {
		case !r.Judged:
			f.Status, f.Message = checks.Missing, runs+" it; no bundle of this release was given to `craudit fleet status`, so its vulnerabilities are not evaluated"
		case len(r.OpenVulnerabilities) > 0:
			f.Status, f.Message = checks.Fail, fmt.Sprintf("%s it with %s open: %s", runs, plural(len(r.OpenVulnerabilities), "vulnerability", "vulnerabilities"), strings.Join(r.OpenVulnerabilities, ", "))
		default:
			f.Status, f.Message = checks.Pass, runs+" it; no open vulnerability"
		}
		fs = append(fs, f)
	}
	recount := func(fs []checks.Finding) string {
		return fmt.Sprintf("%s in the field: %d failing, %d not evaluated; %d of %d reporting units run a release with open vulnerabilities%s",
			plural(len(fs), "release", "releases"), count(fs, checks.Fail), count(fs, checks.Missing), s.OpenVulnerabilityUnits, s.Reporting, waivedNote(fs))
	}
	return outcome(fs, ev, recount)
}
