package document

// Annex VII points 3 to 8 and the appendix: risk assessment, support
// period, standards, test reports, declaration of conformity, SBOM;
// waivers, evidence files, catalogues.

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

func risk(d *reports.Data) Section {
	p := Paragraph{words("How each essential requirement of Annex I Part I is addressed, from the checks and declarations mapped to it. A requirement no check or declaration addresses is shown as such: the risk assessment must cover it elsewhere.")}
	t := Table{Columns: []Column{{Title: "Requirement", Weight: 4}, {Title: "Status", Weight: 1.4}, {Title: "Checks and declarations", Weight: 5}}}
	for _, r := range d.Risk {
		st := text(em("not addressed"))
		if r.Status != "" {
			st = text(status(r.Status))
		}
		ck := checkList(r.Checks)
		for _, dc := range r.Declarations {
			ck = append(ck, text(small("Declared ("+dc.Status+"): "+dc.Statement)))
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: text(code(r.ID), br(), plain(r.Title))}, {Text: st},
			{Text: orText(lines(ck), em("nothing in the evidence"))}}})
	}
	return annex(3, []Block{p, t})
}

func support(d *reports.Data) Section {
	s := d.Support
	if s == nil {
		return annex(4, []Block{Gap{"The support period is not in the evidence."}})
	}
	p := Paragraph{words(fmt.Sprintf("Support starts per %s placed on the market and lasts %d years. How it was set: %s",
		or(s.StartBasis, "(basis not given)"), s.Years, or(s.Justification, notIn)))}
	if len(s.Batches) == 0 {
		return annex(4, []Block{p, Gap{"No batches placed on the market are listed."}})
	}
	t := Table{Columns: []Column{{Title: "Batch", Weight: 2}, {Title: "Placed on the market", Weight: 2}, {Title: "End of support", Weight: 3},
		{Title: "At the reference time", Weight: 2}}}
	for _, b := range s.Batches {
		end := reports.MonthYear(b.End) + " (" + b.End.Format(time.DateOnly)
		if b.Explicit {
			end += ", set explicitly"
		}
		state := "supported"
		if b.Ended {
			state = "ended"
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: words(b.ID)}, {Text: words(b.Start.Format(time.DateOnly))}, {Text: words(end + ")")}, {Text: words(state)}}})
	}
	return annex(4, []Block{p, Chart{charts.Support(s)}, t})
}

func standards(d *reports.Data) Section {
	var blocks []Block
	if p := d.Product; p != nil && len(p.Standards) > 0 {
		l := List{}
		for _, s := range p.Standards {
			l.Items = append(l.Items, words(s.ID))
		}
		blocks = append(blocks, l)
	} else {
		blocks = append(blocks, Gap{"No standards listed in product.yaml."})
	}
	var cats []Text
	for _, c := range d.Report.Catalogues {
		cats = append(cats, text(code(c.ID), plain(" edition "+c.Edition)))
	}
	p := text(plain("Requirements catalogues the checks are mapped against: "))
	p = append(p, orText(joined(cats, ", "), plain("none recorded"))...)
	blocks = append(blocks, Paragraph{append(p, plain("."))})
	return annex(5, blocks)
}

// maxFindings bounds the findings a paged layout prints under one check.
const maxFindings = 10

func tests(d *reports.Data) Section {
	results := Section{Title: "Check results by ENISA step"}
	for _, g := range d.Steps {
		s := g.Summary
		step := Section{ID: fmt.Sprintf("step-%d", g.Step), Title: fmt.Sprintf("Step %d — %s: %d pass, %d fail, %d declared, %d missing%s",
			g.Step, or(g.Name, "not tied to a step"), s.Pass, s.Fail, s.Declared, s.Missing, others(s))}
		t := Table{Columns: []Column{{Title: "Status", Weight: 1.4}, {Title: "Check", Weight: 3}, {Title: "Result", Weight: 5},
			{Title: "Maps to", Weight: 2.5}, {Title: "Evidence", Weight: 3.5, Mono: true}}}
		for _, r := range g.Results {
			t.Rows = append(t.Rows, resultRow(d, r))
		}
		step.Blocks = []Block{t}
		results.Subs = append(results.Subs, step)
	}
	if len(d.Steps) == 0 {
		results.Blocks = []Block{Gap{"No check results."}}
	}
	return annex(6, nil, append([]Section{results, transcripts(d)}, attacks(d)...)...)
}

func resultRow(d *reports.Data, r checks.Result) Row {
	st := text(status(r.Status))
	if !r.Required {
		st = append(st, br(), small("(advisory)"))
	}
	msg := words(r.Message)
	if r.Remediation != "" {
		msg = append(msg, br(), em("Fix:"), plain(" "+r.Remediation))
	}
	if w := r.Waiver; w != nil {
		msg = append(msg, br(), em("Waived"), plain(fmt.Sprintf(" by %s until %s: %s", w.Approver, w.Expires.Format(time.DateOnly), w.Justification)))
	}
	cell := Cell{Text: msg}
	if n := len(r.Findings); n > 0 {
		f := &Fold{Summary: fmt.Sprintf("%d finding(s)", n), PagedMax: maxFindings}
		if n > maxFindings {
			f.PagedMore = fmt.Sprintf("… %d more findings in results.json", n-maxFindings)
		}
		for _, x := range r.Findings {
			item := text(status(x.Status), plain(" "), code(x.Subject))
			if x.Severity != "" {
				item = append(item, plain(" ("+x.Severity+")"))
			}
			f.Items = append(f.Items, append(item, plain(": "+x.Message)))
		}
		cell.More = f
	}
	var ev []Text
	for _, e := range r.Evidence {
		ev = append(ev, text(ref(d, e)))
	}
	return Row{ID: r.Check, Cells: []Cell{{Text: st}, {Text: text(code(r.Check), plain(fmt.Sprintf(" v%d", r.Version)), br(), plain(r.Title))}, cell,
		{Text: words(strings.Join(r.MapsTo, ", "))}, {Text: lines(ev)}}}
}

func transcripts(d *reports.Data) Section {
	sec := Section{Title: "Reference verifier transcript"}
	for _, t := range d.Transcripts {
		p := text(file(d, t.File), plain(fmt.Sprintf(": profile %s, repository %s, trust anchor %s", t.Profile, t.Repository, t.Trust)))
		if t.Installed != "" {
			p = append(p, plain(", installed version "+t.Installed))
		}
		p = append(p, plain(". Verdict: "), strong(t.Verdict))
		if t.Failure != "" {
			p = append(p, plain(" — first failure "+t.Failure))
		}
		p = append(p, plain(". Transport: "+or(t.Transport, "not recorded")+"."))
		if t.Contacted != "" {
			p = append(p, plain(" Contacted: "+t.Contacted+"."))
		}
		tb := Table{Columns: []Column{{Title: "Step", Weight: 2.5}, {Title: "Control", Weight: 1.8}, {Title: "ENISA", Weight: 1}, {Title: "Verdict", Weight: 1.2},
			{Title: "Detail", Weight: 6}}}
		for _, s := range t.Steps {
			tb.Rows = append(tb.Rows, Row{Cells: []Cell{{Text: text(code(s.ID))}, {Text: words(s.Control)}, {Text: words(fmt.Sprint(s.ENISAStep))},
				{Text: words(s.Verdict)}, {Text: words(s.Detail)}}})
		}
		sec.Blocks = append(sec.Blocks, Paragraph{p}, tb)
		if len(t.Targets) > 0 {
			l := List{}
			for _, x := range t.Targets {
				l.Items = append(l.Items, words(x))
			}
			sec.Blocks = append(sec.Blocks, l)
		}
	}
	if len(d.Transcripts) == 0 {
		sec.Blocks = []Block{Gap{"No verifier transcript in the evidence: the live repository was not checked for this dossier."}}
	}
	return sec
}

// attacks shows the product's attack results; runs of craudit's own
// reference clients follow in a section of their own, labelled as a
// self-test, so they are never read as the product's evidence.
func attacks(d *reports.Data) []Section {
	sec := Section{Title: "Attack scenarios: the product's updater"}
	var self []*reports.AttackResults
	for _, a := range d.Attacks {
		if a.SelfTest {
			self = append(self, a)
			continue
		}
		sec.Blocks = append(sec.Blocks, attackRun(d, a)...)
	}
	if len(sec.Blocks) == 0 {
		msg := "No attack results for the product's updater in the evidence."
		if len(self) > 0 {
			msg = "No attack results for the product's updater in the evidence: the only runs are craudit's reference-client self-test below, which is not evidence about the product."
		}
		sec.Blocks = []Block{Gap{msg}}
	}
	out := []Section{sec}
	if len(self) > 0 {
		st := Section{Title: "Reference-client self-test (not product evidence)"}
		st.Blocks = append(st.Blocks, Paragraph{words("These runs faced craudit's own reference clients with the same scenarios. They show that the harness tells a secure updater from a weak one; they say nothing about the product's updater and satisfy no check.")})
		for _, a := range self {
			st.Blocks = append(st.Blocks, attackRun(d, a)...)
		}
		out = append(out, st)
	}
	return out
}

func attackRun(d *reports.Data, a *reports.AttackResults) []Block {
	p := text(file(d, a.File), plain(": profile "+a.Profile+", client "), code(a.Client))
	if a.SelfTest {
		p = append(p, plain(" ("+attackrun.SelfTestLabel+")"))
	}
	if a.Updater != "" {
		p = append(p, plain("; updater under test "), code(a.Updater))
	}
	p = append(p, plain("."))
	tb := Table{Columns: []Column{{Title: "Scenario", Weight: 2.5}, {Title: "ENISA step", Weight: 0.8}, {Title: "Control", Weight: 1.6},
		{Title: "Expected", Weight: 1.4}, {Title: "Verdict", Weight: 1.6}, {Title: "Exit", Weight: 0.8}, {Title: "Detail", Weight: 5}}}
	for _, s := range a.Scenarios {
		tb.Rows = append(tb.Rows, Row{Cells: []Cell{{Text: text(code(s.ID))}, {Text: words(fmt.Sprint(s.Step))}, {Text: words(s.Control)},
			{Text: words(s.Expect)}, {Text: words(s.Verdict)}, {Text: words(fmt.Sprint(s.ExitCode))}, {Text: words(s.Detail)}}})
	}
	return []Block{Paragraph{p}, tb}
}

func conformity(d *reports.Data) Section {
	return annex(7, conformityBlocks(d))
}

// maxComponents bounds the SBOM table of paged layouts; the SBOM file
// itself is enclosed and index.html lists every component.
const maxComponents = 500

func sbom(d *reports.Data) Section {
	s := d.SBOM
	if s == nil {
		return annex(8, []Block{noSBOM})
	}
	p := Paragraph{text(plain("The SBOM is enclosed: "), file(d, s.File), plain("."))}
	t := Table{Name: "sbom", Fold: fmt.Sprintf("%d components", len(s.Components)), PagedMax: maxComponents,
		Columns: []Column{{Title: "Name", Weight: 2.5}, {Title: "Version", Weight: 1.6}, {Title: "Type", Weight: 1.2}, {Title: "Licences", Weight: 2},
			{Title: "purl", Weight: 5, Mono: true}}}
	if n := len(s.Components); n > maxComponents {
		t.PagedMore = fmt.Sprintf("The first %d of %d components are listed; the enclosed SBOM and index.html list all of them.", maxComponents, n)
	}
	for _, c := range s.Components {
		var purl Text
		if c.PURL != "" {
			purl = text(code(c.PURL))
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: words(c.Name)}, {Text: words(c.Version)}, {Text: words(c.Type)}, {Text: words(c.Licences)}, {Text: purl}}})
	}
	return annex(8, []Block{p, t})
}

func appendix(d *reports.Data) []Section {
	r := d.Report
	w := Section{ID: "waivers", Title: "Waivers"}
	if len(r.Waivers) == 0 {
		w.Blocks = []Block{Paragraph{words("No waivers.")}}
	} else {
		t := Table{Columns: []Column{{Title: "ID", Weight: 3}, {Title: "Justification", Weight: 4}, {Title: "Approver", Weight: 2}, {Title: "Expires", Weight: 1.5},
			{Title: "State", Weight: 1.5}}}
		for _, x := range r.Waivers {
			t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: text(code(x.ID))}, {Text: words(x.Justification)}, {Text: words(x.Approver)},
				{Text: words(x.Expires.Format(time.DateOnly))}, {Text: words(x.State())}}})
		}
		w.Blocks = []Block{t}
	}
	ev := Section{ID: "evidence", Title: "Evidence files", Blocks: []Block{Paragraph{words(
		"Every file below is hash-pinned by the signed bundle index or, for live evidence, by the dossier's signed SHA256SUMS.")}}}
	t := Table{Columns: []Column{{Title: "File", Weight: 4, Mono: true}, {Title: "Role", Weight: 2}, {Title: "Size", Weight: 1.2, Num: true},
		{Title: "SHA-256", Weight: 5, Mono: true}}}
	pinned := text(em("in SHA256SUMS"))
	for _, it := range d.Items {
		f, _ := d.File(it.Path)
		row := Row{Cells: []Cell{{Text: text(Span{Kind: File, Text: it.Path, Href: d.Href(f)})}, {Text: words(it.Role)}, {}, {Text: pinned}}}
		if f.SHA256 != "" {
			row.Cells[2], row.Cells[3] = Cell{Text: words(fmt.Sprint(it.Size))}, Cell{Text: text(hash(f.SHA256))}
		}
		t.Rows = append(t.Rows, row)
	}
	for _, l := range d.Live {
		f, _ := d.File(l.Path)
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: text(Span{Kind: File, Text: l.Path, Href: d.Href(f)})}, {Text: words("live evidence")}, {}, {Text: pinned}}})
	}
	ev.Blocks = append(ev.Blocks, t)
	about := Section{ID: "about", Title: "Catalogues, tool and reference time"}
	var cats []Text
	for _, c := range r.Catalogues {
		cats = append(cats, text(code(c.ID), plain(" edition "+c.Edition)))
	}
	p := text(plain("Catalogues: "))
	p = append(p, orText(joined(cats, "; "), plain("none recorded"))...)
	p = append(p, plain(fmt.Sprintf(". Produced by %s %s. Reference time %s (%s).", r.Tool.Name, r.Tool.Version, r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource)))
	about.Blocks = []Block{Paragraph{p}}
	return []Section{w, ev, about}
}
