package document

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

// Heading is the anchor and title of a top-level section.
type Heading struct {
	Anchor, Title string
}

// ClaimsTitle is the heading of the claims -> evidence table.
const ClaimsTitle = "Claims and the evidence behind them"

// AnnexVII lists the headings of the dossier's Annex VII sections, one per
// point of Annex VII (technical documentation, Art. 31), with the titles of
// the CRA catalogue in mappings.
func AnnexVII() []Heading {
	var out []Heading
	for i := 1; i <= 8; i++ {
		out = append(out, Heading{
			Anchor: fmt.Sprintf("annex-vii-%d", i),
			Title:  fmt.Sprintf("Annex VII point %d: %s", i, mappings.MustLoad().Title(fmt.Sprintf("cra/annex-vii/%d", i))),
		})
	}
	return out
}

// Annex makes the section of Annex VII point n (1-8).
func Annex(n int, blocks []Block, subs ...Section) Section {
	h := AnnexVII()[n-1]
	return Section{ID: h.Anchor, Title: h.Title, Blocks: blocks, Subs: subs}
}

// Parts are the dossier's sections built by packages that import this one
// (reports/dossierdoc passes them, reports/conformity makes point 7); Build
// calls each once, in the document's order. All are required.
type Parts struct {
	// General, Design and Conformity are Annex VII points 1, 2 and 7.
	General, Design, Conformity func(*reports.Data) Section
	// Paperwork and Fleet follow the Annex VII sections; each is empty
	// when the evidence holds nothing for it.
	Paperwork, Fleet func(*reports.Data) []Section
}

// Build writes the dossier's document from the report data.
func Build(d *reports.Data, p Parts) *Document {
	r := d.Report
	doc := &Document{
		Title:    "CRA technical documentation: " + r.Subject.ProductName + " " + r.Subject.Version,
		Meta:     meta(r),
		Contents: "Contents",
	}
	doc.Sections = []Section{front(d), summary(d), claims(d), p.General(d), p.Design(d), risk(d), support(d), standards(d), tests(d), p.Conformity(d), sbom(d)}
	doc.Sections = append(doc.Sections, p.Paperwork(d)...)
	doc.Sections = append(doc.Sections, p.Fleet(d)...)
	doc.Sections = append(doc.Sections, appendix(d)...)
	return doc
}

func catalogues(r *checks.Report, format string) []string {
	var out []string
	for _, c := range r.Catalogues {
		out = append(out, fmt.Sprintf(format, c.ID, c.Edition))
	}
	return out
}

func meta(r *checks.Report) []Text {
	by := ""
	if r.Subject.Manufacturer != "" {
		by = " by " + r.Subject.Manufacturer
	}
	return []Text{
		TextOf(PlainSpan("Product "), CodeSpan(r.Subject.Product), PlainSpan(fmt.Sprintf("%s. Judged at %s (%s) by %s %s. Rendered from the evidence only, offline; where the evidence holds nothing for a point, this document says so.", by,
			r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource, r.Tool.Name, r.Tool.Version))),
	}
}

func summary(d *reports.Data) Section {
	r := d.Report
	s := r.Summary
	sec := Section{ID: "glance", Title: "Results at a glance"}
	sec.Blocks = append(sec.Blocks, Paragraph{Words(fmt.Sprintf("%d checks pass, %d fail, %d lack evidence, %d rest on declarations, %d are not applicable, %d are waived and %d could not be judged.",
		s.Pass, s.Fail, s.Missing, s.Declared, s.NotApplicable, s.Waived, s.Error))})
	sec.Blocks = append(sec.Blocks, Columns{Left: Chart{charts.Steps(d.Steps)}, Right: facts(d)})
	cols := []Column{{Title: "ENISA step", Weight: 3}}
	for _, st := range charts.Statuses {
		cols = append(cols, Column{Title: string(st), Weight: 1.2, Num: true})
	}
	t := Table{Columns: cols}
	for _, g := range d.Steps {
		row := Row{Cells: []Cell{{Text: TextOf(LinkSpan(fmt.Sprintf("#step-%d", g.Step), fmt.Sprintf("%d. %s", g.Step, g.Name)))}}}
		for _, st := range charts.Statuses {
			row.Cells = append(row.Cells, Cell{Text: Words(fmt.Sprint(g.Summary.Count(st)))})
		}
		t.Rows = append(t.Rows, row)
	}
	sec.Blocks = append(sec.Blocks, t)
	return sec
}

// facts are the summary's key facts, each pointing to its section.
func facts(d *reports.Data) KeyValue {
	r := d.Report
	rel := Or(r.Subject.Version, NotIn)
	if m := d.Manifest; m != nil {
		rel += " (" + UpdateType(m.UpdateType, m.Severity) + ")"
	}
	vul := NotIn
	if v := d.Vulns; v != nil {
		vul = fmt.Sprintf("%d matched%s", len(v.Rows), vexBrief(v.Rows))
	}
	sb := NotIn
	if d.SBOM != nil {
		sb = fmt.Sprintf("%d components, CycloneDX %s", len(d.SBOM.Components), d.SBOM.SpecVersion)
	}
	sup := Words(NotIn)
	if d.Support != nil {
		var ends []Text
		for _, b := range d.Support.Batches {
			ends = append(ends, Words(b.ID+": "+reports.MonthYear(b.End)))
		}
		sup = OrText(Lines(ends), PlainSpan("no batches given"))
	}
	var lives, atts, selfs []string
	for _, t := range d.Transcripts {
		lives = append(lives, t.Verdict+" ("+t.Profile+" profile)")
	}
	for _, a := range d.Attacks {
		var parts []string
		for _, v := range a.Verdicts {
			parts = append(parts, fmt.Sprintf("%d %s", v.Count, v.Name))
		}
		if a.SelfTest {
			selfs = append(selfs, a.Profile+": "+strings.Join(parts, ", "))
			continue
		}
		atts = append(atts, a.Client+", "+a.Profile+": "+strings.Join(parts, ", "))
	}
	if len(selfs) > 0 {
		// Shown, and labelled, so no one counts them for the product.
		if len(atts) == 0 {
			atts = append(atts, "none for the product's updater")
		}
		atts = append(atts, attackrun.SelfTestLabel+" of craudit's own clients, not product evidence — "+strings.Join(selfs, "; "))
	}
	return KeyValue{Name: "facts", Rows: []Pair{
		{"Release", Words(rel)},
		{"Claims (ENISA example)", TextOf(LinkSpan("#claims", ClaimsBrief(d.Claims)))},
		{"Vulnerabilities", Words(vul)},
		{"SBOM", Words(sb)},
		{"Support ends", sup},
		{"Live verifier", Words(Or(strings.Join(lives, "; "), NotIn))},
		{"Attack scenarios", Words(Or(strings.Join(atts, "; "), NotIn))},
		{"Waivers", Words(fmt.Sprint(len(r.Waivers)))},
	}}
}

// vexBrief counts vulnerabilities by VEX state, in the charts' order.
func vexBrief(rows []reports.Vuln) string {
	n := map[string]int{}
	for _, r := range rows {
		n[r.VEX]++
	}
	var parts []string
	for _, s := range charts.VEXStates {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], charts.VEXLabel(s)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// claimRank orders claim statuses for ClaimsBrief: by checks.Status.Rank,
// and "not judged" (files without a verdict) last.
func claimRank(s checks.Status) int {
	if s == reports.NotJudged {
		return 100
	}
	return s.Rank()
}

// ClaimsBrief counts claims by status, e.g. "1 fail, 4 pass (of 7 claims)".
func ClaimsBrief(cs []reports.Claim) string {
	n := map[checks.Status]int{}
	var order []checks.Status
	for _, c := range cs {
		if n[c.Status] == 0 {
			order = append(order, c.Status)
		}
		n[c.Status]++
	}
	slices.SortFunc(order, func(a, b checks.Status) int { return claimRank(a) - claimRank(b) })
	var parts []string
	for _, st := range order {
		parts = append(parts, fmt.Sprintf("%d %s", n[st], st))
	}
	return fmt.Sprintf("%s (of %d claims)", strings.Join(parts, ", "), len(cs))
}

// checkList cites check results grouped by status, the most severe first,
// each check linked to its row in the test reports: one text per status,
// "pass: a, b".
func checkList(cs []reports.ClaimCheck) []Text {
	var order []checks.Status
	by := map[checks.Status][]Text{}
	for _, c := range cs {
		if _, seen := by[c.Status]; !seen {
			order = append(order, c.Status)
		}
		by[c.Status] = append(by[c.Status], TextOf(CodeLinkSpan("#"+c.Check, c.Check)))
	}
	slices.SortStableFunc(order, func(a, b checks.Status) int { return claimRank(a) - claimRank(b) })
	var out []Text
	for _, st := range order {
		out = append(out, append(TextOf(StatusSpan(st), PlainSpan(": ")), Joined(by[st], ", ")...))
	}
	return out
}

func claims(d *reports.Data) Section {
	sec := Section{ID: "claims", Title: ClaimsTitle}
	sec.Blocks = append(sec.Blocks, Paragraph{TextOf(
		PlainSpan("The claims of the ENISA secure-update advisory's worked example, each with its status from the checks that bear on it and the exact evidence files, cited by their reference in the "),
		LinkSpan("#evidence", "evidence index"), PlainSpan(", which holds each file's hash."))})
	t := Table{Name: "claims", Columns: []Column{{Title: "Claim", Weight: 4}, {Title: "Status", Weight: 1.2}, {Title: "Checks", Weight: 6.5},
		{Title: "Evidence", Weight: 2.2}}}
	for _, c := range d.Claims {
		var ev []Text
		for _, f := range c.Files {
			s := FileSpan(d, f)
			s.Brief = true
			ev = append(ev, TextOf(s))
		}
		t.Rows = append(t.Rows, Row{ID: "claim-" + c.ID, Cells: []Cell{
			{Text: TextOf(PlainSpan(c.Claim), BreakSpan(), SmallSpan("Advisory's evidence: "+c.Expected))},
			{Text: TextOf(StatusSpan(c.Status))},
			{Text: OrText(Joined(checkList(c.Checks), "; "), EmSpan("no check judged this claim"))},
			{Text: OrText(Joined(ev, " "), EmSpan(NotIn))},
		}})
	}
	sec.Blocks = append(sec.Blocks, t)
	return sec
}
