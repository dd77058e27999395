package dossierdoc

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
	"github.com/craudit/craudit/reports/document"
)

// FleetTitle is the heading of the fleet section.
const FleetTitle = "Fleet status: what the devices reported (ENISA step 7)"

// fleetSections is the fleet section when the bundle pins a fleet status
// snapshot, nothing otherwise (the fleet/ checks then report it missing).
// Its numbers are the snapshot's as pinned; the unit lists are complete.
func fleetSections(d *reports.Data) []document.Section {
	s := d.Fleet
	if s == nil {
		return nil
	}
	sec := document.Section{ID: "fleet", Title: FleetTitle}
	intro := document.TextOf(document.PlainSpan("From the fleet status snapshot pinned in the bundle, "))
	if f, ok := d.File(bundle.FleetStatusFile); ok {
		intro = append(intro, document.FileSpan(d, f))
	} else {
		intro = append(intro, document.CodeSpan(bundle.FleetStatusFile))
	}
	intro = append(intro, document.PlainSpan(fmt.Sprintf(", computed for %s from the %s store, product ", s.ReferenceTime.UTC().Format(time.RFC3339), s.Store)),
		document.CodeSpan(s.Product), document.PlainSpan(": signed device reports, each verified against the unit's registered key at ingest. The checks that judged it: "))
	var cs []document.Text
	for _, r := range d.Report.Results {
		if strings.HasPrefix(r.Check, "fleet/") {
			cs = append(cs, document.TextOf(document.CodeLinkSpan("#"+r.Check, r.Check), document.PlainSpan(" "), document.StatusSpan(r.Status)))
		}
	}
	intro = append(intro, document.OrText(document.Joined(cs, ", "), document.EmSpan("none"))...)
	intro = append(intro, document.PlainSpan("."))
	sec.Blocks = append(sec.Blocks, document.Paragraph{Text: intro}, fleetFacts(s),
		document.Columns{Left: document.Chart{Chart: charts.FleetOutcomes(s)}, Right: document.Chart{Chart: charts.FleetSupport(s)}},
		releaseTable(s))
	if len(s.Campaigns) > 0 {
		sec.Blocks = append(sec.Blocks, campaignTable(s))
	} else {
		sec.Blocks = append(sec.Blocks, document.Gap{Text: "The snapshot names no update campaign."})
	}
	rj := s.Rejected
	sec.Blocks = append(sec.Blocks, document.Table{Name: "fleet-rejected", Columns: []document.Column{{Title: "Reports refused at ingest", Weight: 4}, {Title: "Count", Weight: 1, Num: true}},
		Rows: []document.Row{
			{Cells: []document.Cell{{Text: document.Words("bad signature (did not verify against the unit's registered key)")}, {Text: document.Words(fmt.Sprint(rj.BadSignature))}}},
			{Cells: []document.Cell{{Text: document.Words("replay (counter not increasing)")}, {Text: document.Words(fmt.Sprint(rj.Replay))}}},
			{Cells: []document.Cell{{Text: document.Words("unknown device")}, {Text: document.Words(fmt.Sprint(rj.UnknownDevice))}}},
			{Cells: []document.Cell{{Text: document.Words("malformed")}, {Text: document.Words(fmt.Sprint(rj.Malformed))}}},
			{Cells: []document.Cell{{Text: document.Words("hardware ID other than the registry's")}, {Text: document.Words(fmt.Sprint(rj.HardwareMismatch))}}},
			{Cells: []document.Cell{{Text: document.TextOf(document.StrongSpan("total"))}, {Text: document.TextOf(document.StrongSpan(fmt.Sprint(rj.Total())))}}},
		}})
	sec.Subs = []document.Section{unitLists(s)}
	return []document.Section{sec}
}

func fleetFacts(s *fleet.Status) document.KeyValue {
	var all fleet.Counts
	for _, r := range s.Releases {
		all.Attempts += r.Attempts.Attempts
		all.Success += r.Attempts.Success
		all.Failure += r.Attempts.Failure
		all.Rollback += r.Attempts.Rollback
		all.RefusedAttack += r.Attempts.RefusedAttack
	}
	return document.KV(
		document.Fact("Registered units", fmt.Sprint(s.Units)),
		document.Fact("Reporting units", fmt.Sprintf("%d (%s of the registered)", s.Reporting, pct(s.Reporting, s.Units))),
		document.Fact("Releases in the field", fmt.Sprint(len(s.Releases))),
		document.Fact("Update attempts", fmt.Sprintf("%d: %s", all.Attempts, outcomeBrief(all))),
		document.Fact("Support period", supportBrief(s)),
		document.Fact("Open vulnerabilities", fmt.Sprintf("%d units run a release with open vulnerabilities; %d run a release no bundle judged", s.OpenVulnerabilityUnits, s.UnjudgedUnits)),
		document.Fact("Silent units", fmt.Sprintf("%d without an accepted report for more than %d days", len(s.SilentUnits), s.SilentDays)),
		document.Fact("Reports refused at ingest", fmt.Sprintf("%d (%d bad signature, %d replay, %d unknown device, %d malformed, %d hardware mismatch)",
			s.Rejected.Total(), s.Rejected.BadSignature, s.Rejected.Replay, s.Rejected.UnknownDevice, s.Rejected.Malformed, s.Rejected.HardwareMismatch)),
	)
}

// supportBrief splits the units by support period, with how the ends were
// computed or why they were not.
func supportBrief(s *fleet.Status) string {
	sp := s.Support
	out := fmt.Sprintf("%d in support, %d past its end, %d without a placed-on-market record", sp.InSupport, len(sp.PastSupport), len(sp.UnknownStart))
	if n := s.Units - sp.InSupport - len(sp.PastSupport) - len(sp.UnknownStart); n > 0 {
		out += fmt.Sprintf(", %d not judged", n)
	}
	if sp.Problem != "" {
		out += " (" + sp.Problem + ")"
	} else if sp.Basis != "" {
		out += "; ends: " + sp.Basis
	}
	return out
}

// pct is part/whole as a percentage with one decimal.
func pct(part, whole int) string { return fmt.Sprintf("%.1f%%", fleet.Rate(part, whole)) }

// outcomeBrief says each outcome's count and rate.
func outcomeBrief(c fleet.Counts) string {
	var parts []string
	for _, o := range charts.Outcomes {
		k := charts.OutcomeCount(c, o)
		parts = append(parts, fmt.Sprintf("%d %s (%s)", k, o, pct(k, c.Attempts)))
	}
	return strings.Join(parts, ", ")
}

// outcomeColumns are the count-and-rate columns of an attempts table.
func outcomeColumns() []document.Column {
	cols := []document.Column{{Title: "Attempts", Weight: 1.2, Num: true}}
	for _, o := range charts.Outcomes {
		cols = append(cols, document.Column{Title: o, Weight: 1.5, Num: true})
	}
	return cols
}

func outcomeCells(c fleet.Counts) []document.Cell {
	cells := []document.Cell{{Text: document.Words(fmt.Sprint(c.Attempts))}}
	for _, o := range charts.Outcomes {
		k := charts.OutcomeCount(c, o)
		cells = append(cells, document.Cell{Text: document.Words(fmt.Sprintf("%d (%s)", k, pct(k, c.Attempts)))})
	}
	return cells
}

func releaseTable(s *fleet.Status) document.Table {
	cols := append([]document.Column{{Title: "Release", Weight: 1.5, Mono: true}, {Title: "Units", Weight: 1, Num: true}}, outcomeColumns()...)
	cols = append(cols, document.Column{Title: "Open vulnerabilities", Weight: 3})
	t := document.Table{Name: "fleet-releases", Columns: cols}
	for _, r := range s.Releases {
		open := document.Words("not judged: no bundle of this release was given")
		switch {
		case r.Judged && len(r.OpenVulnerabilities) == 0:
			open = document.Words("none")
		case r.Judged:
			var ids []document.Text
			for _, id := range r.OpenVulnerabilities {
				ids = append(ids, document.TextOf(document.CodeSpan(id)))
			}
			open = document.Joined(ids, ", ")
		}
		cells := append([]document.Cell{{Text: document.Words(r.Version)}, {Text: document.Words(fmt.Sprint(r.Units))}}, outcomeCells(r.Attempts)...)
		t.Rows = append(t.Rows, document.Row{Cells: append(cells, document.Cell{Text: open})})
	}
	return t
}

func campaignTable(s *fleet.Status) document.Table {
	cols := append([]document.Column{{Title: "Campaign", Weight: 2, Mono: true}, {Title: "Release", Weight: 1.5, Mono: true}}, outcomeColumns()...)
	t := document.Table{Name: "fleet-campaigns", Columns: cols}
	for _, c := range s.Campaigns {
		t.Rows = append(t.Rows, document.Row{Cells: append([]document.Cell{{Text: document.Words(c.ID)}, {Text: document.Words(c.Release)}}, outcomeCells(c.Attempts)...)})
	}
	return t
}

// unitLists lists every unit past support, without a known start and
// silent: complete, however long.
func unitLists(s *fleet.Status) document.Section {
	sec := document.Section{ID: "fleet-units", Title: "Fleet unit lists"}
	for _, l := range []struct {
		what  string
		units []string
	}{
		{"Units past the end of their support period", s.Support.PastSupport},
		{"Units without a placed-on-market record (support not evaluated)", s.Support.UnknownStart},
		{fmt.Sprintf("Units silent for more than %d days", s.SilentDays), s.SilentUnits},
	} {
		p := document.TextOf(document.StrongSpan(fmt.Sprintf("%s (%d):", l.what, len(l.units))), document.PlainSpan(" "))
		if len(l.units) == 0 {
			p = append(p, document.EmSpan("none"))
		}
		for i, u := range l.units {
			if i > 0 {
				p = append(p, document.PlainSpan(", "))
			}
			p = append(p, document.CodeSpan(u))
		}
		sec.Blocks = append(sec.Blocks, document.Paragraph{Text: p})
	}
	return sec
}
