package document

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

// FleetTitle is the heading of the fleet section.
const FleetTitle = "Fleet status: what the devices reported (ENISA step 7)"

// fleetSections is the fleet section when the bundle pins a fleet status
// snapshot, nothing otherwise (the fleet/ checks then report it missing).
// Its numbers are the snapshot's as pinned; the unit lists are complete.
func fleetSections(d *reports.Data) []Section {
	s := d.Fleet
	if s == nil {
		return nil
	}
	sec := Section{ID: "fleet", Title: FleetTitle, NewPage: true}
	intro := TextOf(PlainSpan("From the fleet status snapshot pinned in the bundle, "))
	if f, ok := d.File(bundle.FleetStatusFile); ok {
		intro = append(intro, FileSpan(d, f))
	} else {
		intro = append(intro, CodeSpan(bundle.FleetStatusFile))
	}
	intro = append(intro, PlainSpan(fmt.Sprintf(", computed for %s from the %s store, product ", s.ReferenceTime.UTC().Format(time.RFC3339), s.Store)),
		CodeSpan(s.Product), PlainSpan(": signed device reports, each verified against the unit's registered key at ingest. The checks that judged it: "))
	var cs []Text
	for _, r := range d.Report.Results {
		if strings.HasPrefix(r.Check, "fleet/") {
			cs = append(cs, TextOf(CodeLinkSpan("#"+r.Check, r.Check), PlainSpan(" "), StatusSpan(r.Status)))
		}
	}
	intro = append(intro, OrText(Joined(cs, ", "), EmSpan("none"))...)
	intro = append(intro, PlainSpan("."))
	sec.Blocks = append(sec.Blocks, Paragraph{intro}, fleetFacts(s),
		Columns{Left: Chart{charts.FleetOutcomes(s)}, Right: Chart{charts.FleetSupport(s)}},
		releaseTable(s))
	if len(s.Campaigns) > 0 {
		sec.Blocks = append(sec.Blocks, campaignTable(s))
	} else {
		sec.Blocks = append(sec.Blocks, Gap{"The snapshot names no update campaign."})
	}
	rj := s.Rejected
	sec.Blocks = append(sec.Blocks, Table{Name: "fleet-rejected", Columns: []Column{{Title: "Reports refused at ingest", Weight: 4}, {Title: "Count", Weight: 1, Num: true}},
		Rows: []Row{
			{Cells: []Cell{{Text: Words("bad signature (did not verify against the unit's registered key)")}, {Text: Words(fmt.Sprint(rj.BadSignature))}}},
			{Cells: []Cell{{Text: Words("replay (counter not increasing)")}, {Text: Words(fmt.Sprint(rj.Replay))}}},
			{Cells: []Cell{{Text: Words("unknown device")}, {Text: Words(fmt.Sprint(rj.UnknownDevice))}}},
			{Cells: []Cell{{Text: Words("malformed")}, {Text: Words(fmt.Sprint(rj.Malformed))}}},
			{Cells: []Cell{{Text: Words("hardware ID other than the registry's")}, {Text: Words(fmt.Sprint(rj.HardwareMismatch))}}},
			{Cells: []Cell{{Text: TextOf(StrongSpan("total"))}, {Text: TextOf(StrongSpan(fmt.Sprint(rj.Total())))}}},
		}})
	sec.Subs = []Section{unitLists(s)}
	return []Section{sec}
}

func fleetFacts(s *fleet.Status) KeyValue {
	var all fleet.Counts
	for _, r := range s.Releases {
		all.Attempts += r.Attempts.Attempts
		all.Success += r.Attempts.Success
		all.Failure += r.Attempts.Failure
		all.Rollback += r.Attempts.Rollback
		all.RefusedAttack += r.Attempts.RefusedAttack
	}
	return KV(
		Fact("Registered units", fmt.Sprint(s.Units)),
		Fact("Reporting units", fmt.Sprintf("%d (%s of the registered)", s.Reporting, pct(s.Reporting, s.Units))),
		Fact("Releases in the field", fmt.Sprint(len(s.Releases))),
		Fact("Update attempts", fmt.Sprintf("%d: %s", all.Attempts, outcomeBrief(all))),
		Fact("Support period", supportBrief(s)),
		Fact("Open vulnerabilities", fmt.Sprintf("%d units run a release with open vulnerabilities; %d run a release no bundle judged", s.OpenVulnerabilityUnits, s.UnjudgedUnits)),
		Fact("Silent units", fmt.Sprintf("%d without an accepted report for more than %d days", len(s.SilentUnits), s.SilentDays)),
		Fact("Reports refused at ingest", fmt.Sprintf("%d (%d bad signature, %d replay, %d unknown device, %d malformed, %d hardware mismatch)",
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
func outcomeColumns() []Column {
	cols := []Column{{Title: "Attempts", Weight: 1.2, Num: true}}
	for _, o := range charts.Outcomes {
		cols = append(cols, Column{Title: o, Weight: 1.5, Num: true})
	}
	return cols
}

func outcomeCells(c fleet.Counts) []Cell {
	cells := []Cell{{Text: Words(fmt.Sprint(c.Attempts))}}
	for _, o := range charts.Outcomes {
		k := charts.OutcomeCount(c, o)
		cells = append(cells, Cell{Text: Words(fmt.Sprintf("%d (%s)", k, pct(k, c.Attempts)))})
	}
	return cells
}

func releaseTable(s *fleet.Status) Table {
	cols := append([]Column{{Title: "Release", Weight: 1.5, Mono: true}, {Title: "Units", Weight: 1, Num: true}}, outcomeColumns()...)
	cols = append(cols, Column{Title: "Open vulnerabilities", Weight: 3})
	t := Table{Name: "fleet-releases", Columns: cols}
	for _, r := range s.Releases {
		open := Words("not judged: no bundle of this release was given")
		switch {
		case r.Judged && len(r.OpenVulnerabilities) == 0:
			open = Words("none")
		case r.Judged:
			var ids []Text
			for _, id := range r.OpenVulnerabilities {
				ids = append(ids, TextOf(CodeSpan(id)))
			}
			open = Joined(ids, ", ")
		}
		cells := append([]Cell{{Text: Words(r.Version)}, {Text: Words(fmt.Sprint(r.Units))}}, outcomeCells(r.Attempts)...)
		t.Rows = append(t.Rows, Row{Cells: append(cells, Cell{Text: open})})
	}
	return t
}

func campaignTable(s *fleet.Status) Table {
	cols := append([]Column{{Title: "Campaign", Weight: 2, Mono: true}, {Title: "Release", Weight: 1.5, Mono: true}}, outcomeColumns()...)
	t := Table{Name: "fleet-campaigns", Columns: cols}
	for _, c := range s.Campaigns {
		t.Rows = append(t.Rows, Row{Cells: append([]Cell{{Text: Words(c.ID)}, {Text: Words(c.Release)}}, outcomeCells(c.Attempts)...)})
	}
	return t
}

// unitLists lists every unit past support, without a known start and
// silent: complete, however long.
func unitLists(s *fleet.Status) Section {
	sec := Section{ID: "fleet-units", Title: "Fleet unit lists"}
	for _, l := range []struct {
		what  string
		units []string
	}{
		{"Units past the end of their support period", s.Support.PastSupport},
		{"Units without a placed-on-market record (support not evaluated)", s.Support.UnknownStart},
		{fmt.Sprintf("Units silent for more than %d days", s.SilentDays), s.SilentUnits},
	} {
		p := TextOf(StrongSpan(fmt.Sprintf("%s (%d):", l.what, len(l.units))), PlainSpan(" "))
		if len(l.units) == 0 {
			p = append(p, EmSpan("none"))
		}
		for i, u := range l.units {
			if i > 0 {
				p = append(p, PlainSpan(", "))
			}
			p = append(p, CodeSpan(u))
		}
		sec.Blocks = append(sec.Blocks, Paragraph{p})
	}
	return sec
}
