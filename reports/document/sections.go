package document

// Annex VII points 3 to 8 and the appendix: risk assessment, support
// period, standards, test reports, SBOM (point 7, the declaration of
// conformity, comes from reports/conformity); waivers, evidence files,
// catalogues.

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

func risk(d *reports.Data) Section {
	p := Paragraph{Words("How each essential requirement of Annex I Part I is addressed, from the checks and declarations mapped to it. A requirement no check or declaration addresses is shown as such: the risk assessment must cover it elsewhere.")}
	t := Table{Columns: []Column{{Title: "Requirement", Weight: 4}, {Title: "Status", Weight: 1.4}, {Title: "Checks and declarations", Weight: 5}}}
	for _, r := range d.Risk {
		st := TextOf(EmSpan("not addressed"))
		if r.Status != "" {
			st = TextOf(StatusSpan(r.Status))
		}
		ck := checkList(r.Checks)
		for _, dc := range r.Declarations {
			// The statement itself is in point 2(c); here the control is named.
			ck = append(ck, TextOf(SmallSpan("declared ("+dc.Status+"): "), CodeLinkSpan("#declarations", dc.Control)))
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: TextOf(CodeSpan(r.ID), BreakSpan(), PlainSpan(r.Title))}, {Text: st},
			{Text: OrText(Joined(ck, "; "), EmSpan("nothing in the evidence"))}}})
	}
	return Annex(3, []Block{p, t})
}

func support(d *reports.Data) Section {
	s := d.Support
	if s == nil {
		return Annex(4, []Block{Gap{"The support period is not in the evidence."}})
	}
	p := Paragraph{Words(fmt.Sprintf("Support starts per %s placed on the market and lasts %d years. How it was set: %s",
		Or(s.StartBasis, "(basis not given)"), s.Years, Or(s.Justification, NotIn)))}
	if len(s.Batches) == 0 {
		return Annex(4, []Block{p, Gap{"No batches placed on the market are listed."}})
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
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: Words(b.ID)}, {Text: Words(b.Start.Format(time.DateOnly))}, {Text: Words(end + ")")}, {Text: Words(state)}}})
	}
	return Annex(4, []Block{p, Chart{charts.Support(s)}, t})
}

// standardKinds are point 5's four groups, in the Annex's order; a
// specification whose kind product.yaml does not state goes with "other"
// and says so.
var standardKinds = []struct{ kind, title string }{
	{product.StandardHarmonised, "Harmonised standards"},
	{product.StandardCommonSpec, "Common specifications"},
	{product.StandardCertification, "European cybersecurity certification schemes"},
	{product.StandardOther, "Other technical specifications"},
}

func standards(d *reports.Data) Section {
	var list []product.Standard
	if p := d.Product; p != nil {
		list = p.Standards
	}
	var subs []Section
	for _, k := range standardKinds {
		sec := Section{Title: k.title}
		t := Table{Name: "standards", Columns: []Column{{Title: "Specification", Weight: 3}, {Title: "Title", Weight: 5}, {Title: "Applied", Weight: 4}}}
		for _, s := range list {
			kind := s.Kind
			if kind == "" {
				kind = product.StandardOther
			}
			if kind != k.kind {
				continue
			}
			id := TextOf(CodeSpan(s.ID))
			if s.Kind == "" {
				id = append(id, BreakSpan(), SmallSpan("kind not stated"))
			}
			app := TextOf(EmSpan("not stated whether in full or in part"))
			switch s.Application {
			case product.ApplicationFull:
				app = Words("in full")
			case product.ApplicationPartial:
				app = Words("in part: " + Or(strings.Join(s.Parts, ", "), "the parts applied are not stated"))
			}
			t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: id}, {Text: Words(Or(s.Title, "not given"))}, {Text: app}}})
		}
		if len(t.Rows) == 0 {
			sec.Blocks = []Block{Paragraph{TextOf(EmSpan("None listed in product.yaml."))}}
		} else {
			sec.Blocks = []Block{t}
		}
		subs = append(subs, sec)
	}
	var blocks []Block
	if len(list) == 0 {
		blocks = append(blocks, Gap{"No standards, common specifications or certification schemes are listed in product.yaml."})
	}
	var cats []Text
	for _, c := range d.Report.Catalogues {
		cats = append(cats, TextOf(CodeSpan(c.ID)))
	}
	p := TextOf(PlainSpan("Requirement catalogues the checks are mapped against (editions in the "), LinkSpan("#scope", "assurance report"), PlainSpan("): "))
	p = append(p, OrText(Joined(cats, ", "), PlainSpan("none recorded"))...)
	blocks = append(blocks, Paragraph{append(p, PlainSpan(". A catalogue is craudit's reading aid, not a specification the manufacturer applied."))})
	return Annex(5, blocks, subs...)
}

func tests(d *reports.Data) Section {
	results := Section{Title: "Check results by ENISA step"}
	for _, g := range d.Steps {
		s := g.Summary
		step := Section{ID: fmt.Sprintf("step-%d", g.Step), Title: fmt.Sprintf("Step %d — %s: %d pass, %d fail, %d declared, %d missing%s",
			g.Step, Or(g.Name, "not tied to a step"), s.Pass, s.Fail, s.Declared, s.Missing, others(s))}
		t := Table{Columns: []Column{{Title: "Status", Weight: 1.2}, {Title: "Check", Weight: 4.5}, {Title: "Result", Weight: 7.2},
			{Title: "Evidence", Weight: 1.7}}}
		var declared []Text
		for _, r := range g.Results {
			// A declared result is the manufacturer's statement: point
			// 2(c) shows it in full, and holds its anchor.
			if r.Status == checks.Declared {
				declared = append(declared, TextOf(CodeLinkSpan("#"+r.Check, r.Check)))
				continue
			}
			t.Rows = append(t.Rows, resultRow(d, r))
		}
		if len(t.Rows) > 0 {
			step.Blocks = append(step.Blocks, t)
		}
		if len(declared) > 0 {
			p := TextOf(PlainSpan("Declared by the manufacturer (statements, owners and evidence in "), LinkSpan("#declarations", "point 2(c)"), PlainSpan("): "))
			step.Blocks = append(step.Blocks, Dense{append(append(p, Joined(declared, ", ")...), PlainSpan("."))})
		}
		results.Subs = append(results.Subs, step)
	}
	if len(d.Steps) == 0 {
		results.Blocks = []Block{Gap{"No check results."}}
	}
	return Annex(6, nil, append([]Section{results, mapsTo(d), transcripts(d)}, attacks(d)...)...)
}

func resultRow(d *reports.Data, r checks.Result) Row {
	st := TextOf(StatusSpan(r.Status))
	if !r.Required {
		st = append(st, BreakSpan(), SmallSpan("(advisory)"))
	}
	msg := citeHashes(d, r.Message)
	if r.Remediation != "" {
		msg = append(msg, BreakSpan(), EmSpan("Fix:"), PlainSpan(" "+r.Remediation))
	}
	if w := r.Waiver; w != nil {
		msg = append(msg, BreakSpan(), EmSpan("Waived"), PlainSpan(fmt.Sprintf(" by %s until %s: %s", w.Approver, w.Expires.Format(time.DateOnly), w.Justification)))
	}
	cell := Cell{Text: msg}
	if n := len(r.Findings); n > 0 {
		f := &Fold{Summary: fmt.Sprintf("%d finding(s)", n)}
		routine := 0
		for _, x := range r.Findings {
			item := TextOf(StatusSpan(x.Status), PlainSpan(" "), CodeSpan(x.Subject))
			if x.Severity != "" {
				item = append(item, PlainSpan(" ("+x.Severity+")"))
			}
			f.Items = append(f.Items, append(append(item, PlainSpan(": ")), citeHashes(d, x.Message)...))
			// A passing finding of a check that is no exception is
			// routine: a dossier's PDF counts it and points to the full list.
			brief := compactPDF(d) && x.Status == checks.Pass && !exception(r.Status)
			f.Routine = append(f.Routine, brief)
			if brief {
				routine++
			}
		}
		if routine > 0 {
			f.PagedMore = routineMore(r.Check, routine, n)
		}
		cell.More = f
	}
	var ev []Text
	for _, e := range r.Evidence {
		ev = append(ev, TextOf(ref(d, e)))
	}
	return Row{ID: r.Check, Cells: []Cell{{Text: st}, {Text: TextOf(CodeSpan(r.Check), PlainSpan(fmt.Sprintf(" v%d", r.Version)), BreakSpan(), SmallSpan(r.Title))}, cell,
		{Text: Joined(ev, " ")}}}
}

// compactPDF reports whether a dossier's PDF may leave passing findings
// to index.html and results.json, which a dossier holds beside it, pinned
// by its signed SHA256SUMS; a report rendered on its own lists them all.
func compactPDF(d *reports.Data) bool { return d.DossierSigner != "" }

// routineMore is what a paged layout prints for the routine findings it
// leaves out: how many, and where they are listed.
func routineMore(check string, routine, all int) Text {
	if routine == all {
		return TextOf(LinkSpan("index.html#"+check, fmt.Sprintf("%d pass findings", all)))
	}
	return TextOf(LinkSpan("index.html#"+check, fmt.Sprintf("%d pass findings in index.html", routine)))
}

// byCatalogue writes entry IDs grouped by their catalogue, in the order
// given: "enisa step/1, rec/key-protection; cra annex-vii/2/b", each
// catalogue named once.
func byCatalogue(ids []string) Text {
	var cats []string
	entries := map[string][]string{}
	for _, id := range ids {
		cat, entry, ok := strings.Cut(id, "/")
		if !ok {
			cat, entry = id, ""
		}
		if _, seen := entries[cat]; !seen {
			cats = append(cats, cat)
		}
		if entry != "" {
			entries[cat] = append(entries[cat], entry)
		} else if entries[cat] == nil {
			entries[cat] = []string{}
		}
	}
	var out Text
	for i, c := range cats {
		if i > 0 {
			out = append(out, PlainSpan(" · "))
		}
		out = append(out, StrongSpan(c), PlainSpan(" "+strings.Join(entries[c], ", ")))
	}
	return out
}

// mapsTo lists the catalogue entries each check is mapped to, in the test
// reports' order, as one running text.
func mapsTo(d *reports.Data) Section {
	var ts []Text
	for _, g := range d.Steps {
		for _, r := range g.Results {
			if len(r.MapsTo) > 0 {
				ts = append(ts, append(TextOf(CodeLinkSpan("#"+r.Check, r.Check), PlainSpan(": ")), byCatalogue(r.MapsTo)...))
			}
		}
	}
	sec := Section{ID: "maps-to", Title: "What each check is mapped to"}
	intro := Paragraph{Words("Each check with the catalogue entries it is mapped to, grouped by catalogue: the catalogue's ID, then its entries.")}
	if len(ts) == 0 {
		sec.Blocks = []Block{Paragraph{Words("No check is mapped to a catalogue entry.")}}
		return sec
	}
	sec.Blocks = []Block{intro, Dense{Joined(ts, "; ")}}
	return sec
}

func transcripts(d *reports.Data) Section {
	sec := Section{ID: "transcript", Title: "Reference verifier transcript"}
	for _, t := range d.Transcripts {
		p := TextOf(FileSpan(d, t.File), PlainSpan(fmt.Sprintf(": profile %s, repository %s, trust anchor %s", t.Profile, t.Repository, t.Trust)))
		if t.Installed != "" {
			p = append(p, PlainSpan(", installed version "+t.Installed))
		}
		p = append(p, PlainSpan(". Verdict: "), StrongSpan(t.Verdict))
		if t.Failure != "" {
			p = append(p, PlainSpan(" — first failure "+t.Failure))
		}
		p = append(p, PlainSpan(". Transport: "+Or(t.Transport, "not recorded")+"."))
		if t.Contacted != "" {
			p = append(p, PlainSpan(" Contacted: "+t.Contacted+"."))
		}
		tb := Table{Columns: []Column{{Title: "Step", Weight: 3.2}, {Title: "Control", Weight: 1.5}, {Title: "ENISA", Weight: 0.8}, {Title: "Verdict", Weight: 1},
			{Title: "Detail", Weight: 7}}}
		var passed []Text
		for _, s := range t.Steps {
			// A passing step is routine: a dossier's PDF names it and
			// leaves its detail to index.html and the transcript file.
			routine := compactPDF(d) && s.Verdict == "pass"
			if routine {
				passed = append(passed, TextOf(CodeSpan(s.ID)))
			}
			tb.Rows = append(tb.Rows, Row{Routine: routine, Cells: []Cell{{Text: TextOf(CodeSpan(s.ID))}, {Text: Words(s.Control)}, {Text: Words(fmt.Sprint(s.ENISAStep))},
				{Text: Words(s.Verdict)}, {Text: citeHashes(d, s.Detail)}}})
		}
		if len(passed) > 0 {
			tb.PagedMore = append(TextOf(PlainSpan(fmt.Sprintf("%d steps passed, their detail in ", len(passed))), LinkSpan("index.html#transcript", "index.html"),
				PlainSpan(" and "), FileSpan(d, t.File), PlainSpan(": ")), Joined(passed, ", ")...)
			tb.PagedMore = append(tb.PagedMore, PlainSpan("."))
		}
		sec.Blocks = append(sec.Blocks, Paragraph{p}, tb)
		if len(t.Targets) > 0 {
			l := List{}
			for _, x := range t.Targets {
				l.Items = append(l.Items, citeHashes(d, x))
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
		st.Blocks = append(st.Blocks, Paragraph{Words("These runs faced craudit's own reference clients with the same scenarios. They show that the harness tells a secure updater from a weak one; they say nothing about the product's updater and satisfy no check.")})
		for _, a := range self {
			st.Blocks = append(st.Blocks, attackRun(d, a)...)
		}
		out = append(out, st)
	}
	return out
}

func attackRun(d *reports.Data, a *reports.AttackResults) []Block {
	p := TextOf(FileSpan(d, a.File), PlainSpan(": profile "+a.Profile+", client "), CodeSpan(a.Client))
	if a.SelfTest {
		p = append(p, PlainSpan(" ("+attackrun.SelfTestLabel+")"))
	}
	if a.Updater != "" {
		p = append(p, PlainSpan("; updater under test "), CodeSpan(a.Updater))
	}
	p = append(p, PlainSpan("."))
	if a.SelfTest {
		// craudit's own clients: the scenarios grouped by what was expected
		// and what the client did; what each client printed is in the
		// cited file.
		p = append(p, PlainSpan(" The clients' output for each scenario is in the cited file."))
		return []Block{Paragraph{p}, selfTestTable(a.Scenarios)}
	}
	tb := Table{Columns: []Column{{Title: "Scenario", Weight: 4.6}, {Title: "Step", Weight: 0.5}, {Title: "Control", Weight: 1.3},
		{Title: "Expected", Weight: 1.1}, {Title: "Verdict", Weight: 1}, {Title: "Exit", Weight: 0.5}, {Title: "Detail", Weight: 5}}}
	for _, s := range a.Scenarios {
		tb.Rows = append(tb.Rows, Row{Cells: []Cell{{Text: TextOf(CodeSpan(s.ID))}, {Text: Words(fmt.Sprint(s.Step))}, {Text: Words(s.Control)},
			{Text: Words(s.Expect)}, {Text: Words(s.Verdict)}, {Text: Words(fmt.Sprint(s.ExitCode))}, {Text: citeHashes(d, s.Detail)}}})
	}
	return []Block{Paragraph{p}, tb}
}

// selfTestTable groups a self-test's scenarios by expectation and
// outcome, each group one row listing its scenarios with their ENISA step,
// in the order of the results.
func selfTestTable(ss []reports.Scenario) Table {
	tb := Table{Name: "selftest", Columns: []Column{{Title: "Expected", Weight: 1}, {Title: "Outcome", Weight: 1.8}, {Title: "Scenarios (ENISA step)", Weight: 10}}}
	type group struct {
		expect, outcome string
		ids             []Text
	}
	var groups []*group
	at := map[string]*group{}
	for _, s := range ss {
		outcome := fmt.Sprintf("%s (exit %d)", s.Verdict, s.ExitCode)
		k := s.Expect + "\x00" + outcome
		g := at[k]
		if g == nil {
			g = &group{expect: s.Expect, outcome: outcome}
			at[k] = g
			groups = append(groups, g)
		}
		g.ids = append(g.ids, TextOf(CodeSpan(s.ID), PlainSpan(fmt.Sprintf(" %d", s.Step))))
	}
	for _, g := range groups {
		tb.Rows = append(tb.Rows, Row{Cells: []Cell{{Text: Words(g.expect)}, {Text: Words(fmt.Sprintf("%s: %d", g.outcome, len(g.ids)))}, {Text: Joined(g.ids, ", ")}}})
	}
	return tb
}

func sbom(d *reports.Data) Section {
	s := d.SBOM
	if s == nil {
		return Annex(8, []Block{NoSBOM})
	}
	p := Paragraph{TextOf(PlainSpan("The SBOM is enclosed: "), FileSpan(d, s.File), PlainSpan("."))}
	// Components with a package URL, then the rest (files, mostly) in a
	// narrow table paged layouts may set in two halves side by side.
	pkgs := Table{Name: "sbom", Columns: []Column{{Title: "Name", Weight: 2.4}, {Title: "Version", Weight: 1.7}, {Title: "Type", Weight: 0.9},
		{Title: "Licences", Weight: 2.4}, {Title: "purl", Weight: 9, Mono: true}}}
	rest := Table{Name: "sbom", TwoUp: true, Columns: []Column{{Title: "Name", Weight: 3.4}, {Title: "Version", Weight: 1.7}, {Title: "Type", Weight: 0.8},
		{Title: "Licences", Weight: 2.3}}}
	for _, c := range s.Components {
		if c.PURL != "" {
			pkgs.Rows = append(pkgs.Rows, Row{Cells: []Cell{{Text: Words(c.Name)}, {Text: Words(c.Version)}, {Text: Words(c.Type)}, {Text: Words(c.Licences)},
				{Text: TextOf(CodeSpan(c.PURL))}}})
			continue
		}
		rest.Rows = append(rest.Rows, Row{Cells: []Cell{{Text: Words(c.Name)}, {Text: Words(c.Version)}, {Text: Words(c.Type)}, {Text: Words(c.Licences)}}})
	}
	blocks := []Block{p}
	if len(pkgs.Rows) > 0 {
		pkgs.Fold = fmt.Sprintf("%d components with a package URL", len(pkgs.Rows))
		blocks = append(blocks, pkgs)
	}
	if len(rest.Rows) > 0 {
		rest.Fold = fmt.Sprintf("%d components without a package URL", len(rest.Rows))
		blocks = append(blocks, rest)
	}
	return Annex(8, blocks)
}

func appendix(d *reports.Data) []Section {
	r := d.Report
	w := Section{ID: "waivers", Title: "Waivers"}
	if len(r.Waivers) == 0 {
		w.Blocks = []Block{Paragraph{Words("No waivers.")}}
	} else {
		t := Table{Columns: []Column{{Title: "ID", Weight: 3}, {Title: "Justification", Weight: 4}, {Title: "Approver", Weight: 2}, {Title: "Expires", Weight: 1.5},
			{Title: "State", Weight: 1.5}}}
		for _, x := range r.Waivers {
			t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: TextOf(CodeSpan(x.ID))}, {Text: Words(x.Justification)}, {Text: Words(x.Approver)},
				{Text: Words(x.Expires.Format(time.DateOnly))}, {Text: Words(x.State())}}})
		}
		w.Blocks = []Block{t}
	}
	return []Section{w, evidenceIndex(d)}
}

// evidenceIndex is the one place the dossier prints the hashes of its
// evidence; every other mention cites a file by its reference here.
func evidenceIndex(d *reports.Data) Section {
	sec := Section{ID: "evidence", Title: "Evidence index", Blocks: []Block{Paragraph{TextOf(PlainSpan(
		"Every evidence file, numbered; the rest of this document cites a file by its number. Each is pinned by the signed bundle index ("),
		CodeSpan("bundle.json"), PlainSpan(") or, for live evidence, by the dossier's signed "), CodeSpan("SHA256SUMS"),
		PlainSpan(". A file whose bytes differ from run to run (signatures, signed envelopes, live evidence) is cited by path; its hash is in those two files."))}}}
	t := Table{Name: "evidence", Columns: []Column{{Title: "Ref", Weight: 0.6}, {Title: "File", Weight: 4.6, Mono: true}, {Title: "SHA-256", Weight: 6.6, Mono: true},
		{Title: "Role", Weight: 2.3}, {Title: "Bytes", Weight: 1.1, Num: true}}}
	for _, e := range d.EvidenceIndex() {
		f := TextOf(Span{Kind: File, Text: e.Path, Href: d.Href(e.FileRef)})
		h, size := TextOf(SmallSpan("pinned by bundle.json and SHA256SUMS")), ""
		switch {
		case e.SHA256 != "":
			h, size = TextOf(HashSpan(e.SHA256)), fmt.Sprint(e.Size)
		case e.Live:
			h = TextOf(SmallSpan("pinned by SHA256SUMS"))
		}
		t.Rows = append(t.Rows, Row{ID: RefAnchor(e.Ref), Cells: []Cell{{Text: Words(e.Ref)}, {Text: f}, {Text: h}, {Text: Words(e.Role)}, {Text: Words(size)}}})
	}
	sec.Blocks = append(sec.Blocks, t)
	return sec
}

// citeHashes replaces each evidence-index file's SHA-256 in s with a
// citation of the file, so the hash stays printed once.
func citeHashes(d *reports.Data, s string) Text {
	out := Text{}
	for s != "" {
		at, which := -1, reports.IndexEntry{}
		for _, e := range d.EvidenceIndex() {
			if e.SHA256 == "" {
				continue
			}
			if i := strings.Index(s, e.SHA256); i >= 0 && (at < 0 || i < at) {
				at, which = i, e
			}
		}
		if at < 0 {
			break
		}
		out = append(out, PlainSpan(s[:at]), FileSpan(d, which.FileRef))
		s = s[at+len(which.SHA256):]
	}
	if s != "" {
		out = append(out, PlainSpan(s))
	}
	return out
}
