package document

// The assurance report: the dossier's first pages. The opinion with its
// basis in separate numbers, the exceptions, the scope, who assessed with
// what and when, and the limitations.

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/reports"
)

// DeclaredMeaning defines "declared" where the dossier first uses it.
const DeclaredMeaning = "Declared means the manufacturer states, in answers.yaml, that a control is in place and names its evidence; craudit checked that the statement is complete and its evidence is in the bundle, but did not observe the control itself."

// Basis counts the results by what they rest on.
type Basis struct {
	// Tested are passes craudit established from the product's evidence;
	// SelfTests passes that only judge files craudit wrote (reports.SelfTest).
	Tested, SelfTests, Declared, NotApplicable, Waived, Fail, Missing, Error int
}

// BasisOf counts a report's results.
func BasisOf(r *checks.Report) Basis {
	var b Basis
	for _, x := range r.Results {
		switch x.Status {
		case checks.Pass:
			if reports.SelfTest(x) {
				b.SelfTests++
			} else {
				b.Tested++
			}
		case checks.Declared:
			b.Declared++
		case checks.NotApplicable:
			b.NotApplicable++
		case checks.Waived:
			b.Waived++
		case checks.Fail:
			b.Fail++
		case checks.Missing:
			b.Missing++
		default:
			b.Error++
		}
	}
	return b
}

// Headline is the opinion in one line with its basis, so a PASSED never
// stands without the declarations and self-tests it rests on.
func Headline(r *checks.Report) string {
	b := BasisOf(r)
	parts := []string{fmt.Sprintf("%d tested by craudit", b.Tested)}
	for _, c := range []struct {
		n    int
		what string
	}{{b.Declared, "declared by the manufacturer"}, {b.SelfTests, "self-tests of craudit's own files"}, {b.NotApplicable, "not applicable"},
		{b.Waived, "waived"}, {b.Fail, "failed"}, {b.Missing, "missing evidence"}, {b.Error, "could not be judged"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.ToUpper(r.Outcome) + " — " + strings.Join(parts, ", ")
}

// exception reports whether a result belongs in the exceptions table.
func exception(st checks.Status) bool {
	switch st {
	case checks.Fail, checks.Missing, checks.Error, checks.Waived:
		return true
	}
	return false
}

func front(d *reports.Data) Section {
	r := d.Report
	b := BasisOf(r)
	sec := Section{ID: "summary", Title: "Assurance report"}
	sec.Blocks = append(sec.Blocks, Verdict{Outcome: r.Outcome, Label: "Opinion:", Value: Headline(r), Note: fmt.Sprintf("(exit code %d).", r.ExitCode()),
		Detail: DeclaredMeaning})
	if len(r.Problems) > 0 {
		l := List{Alert: true}
		for _, p := range r.Problems {
			l.Items = append(l.Items, TextOf(StrongSpan("Bundle verification failed:"), PlainSpan(" "), CodeSpan(p.Path), PlainSpan(": "+p.Reason)))
		}
		sec.Blocks = append(sec.Blocks, l)
	}
	if len(d.Notes) > 0 {
		l := List{Alert: true}
		for _, n := range d.Notes {
			l.Items = append(l.Items, TextOf(StrongSpan("Evidence that could not be read:"), PlainSpan(" "+n)))
		}
		sec.Blocks = append(sec.Blocks, l)
	}
	basis := Table{Name: "basis", Columns: []Column{{Title: "Basis of the opinion", Weight: 5}, {Title: "Checks", Weight: 1, Num: true}}}
	for _, x := range []struct {
		what string
		n    int
	}{
		{"Tested by craudit from the product's evidence (pass)", b.Tested},
		{"Declared by the manufacturer, not observed by craudit", b.Declared},
		{"Self-tests: craudit checking files it wrote itself while bundling (pass; not product evidence)", b.SelfTests},
		{"Not applicable to this product or release", b.NotApplicable},
		{"Exceptions: failed, missing evidence, could not be judged, waived", b.Fail + b.Missing + b.Error + b.Waived},
	} {
		basis.Rows = append(basis.Rows, Row{Cells: []Cell{{Text: Words(x.what)}, {Text: Words(fmt.Sprint(x.n))}}})
	}
	sec.Blocks = append(sec.Blocks, basis)
	sec.Subs = []Section{exceptions(d), scope(d), limitations(d)}
	return sec
}

// exceptions lists every result that failed, lacks evidence, could not be
// judged or was waived, with what to do about it.
func exceptions(d *reports.Data) Section {
	sec := Section{ID: "exceptions", Title: "Exceptions"}
	t := Table{Name: "exceptions", Columns: []Column{{Title: "Status", Weight: 1.3}, {Title: "Check", Weight: 2.6}, {Title: "Finding", Weight: 4.5},
		{Title: "Fix or waiver", Weight: 4.5}}}
	for _, g := range d.Steps {
		for _, x := range g.Results {
			if !exception(x.Status) {
				continue
			}
			st := TextOf(StatusSpan(x.Status))
			if !x.Required {
				st = append(st, BreakSpan(), SmallSpan("(advisory)"))
			}
			fix := TextOf(EmSpan("no remediation text"))
			if x.Remediation != "" {
				fix = Words(x.Remediation)
			}
			if w := x.Waiver; w != nil {
				fix = TextOf(EmSpan("Waived"), PlainSpan(fmt.Sprintf(" by %s until %s: %s", w.Approver, w.Expires.Format(time.DateOnly), w.Justification)))
				if x.Remediation != "" {
					fix = append(fix, BreakSpan(), EmSpan("Fix:"), PlainSpan(" "+x.Remediation))
				}
			} else if x.Status == checks.Waived {
				// Waived finding by finding: name each waiver that applied,
				// the findings one approval covers together.
				ws := findingWaivers(x.Findings)
				if len(ws) > 0 {
					fix = ws
					if x.Remediation != "" {
						fix = append(fix, BreakSpan(), EmSpan("Fix:"), PlainSpan(" "+x.Remediation))
					}
				}
			}
			t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: st}, {Text: TextOf(CodeLinkSpan("#"+x.Check, x.Check))}, {Text: citeHashes(d, x.Message)}, {Text: fix}}})
		}
	}
	if len(t.Rows) == 0 {
		sec.Blocks = []Block{Paragraph{Words("None: no check failed, lacked evidence, could not be judged or was waived.")}}
		return sec
	}
	sec.Blocks = []Block{t}
	return sec
}

// scope says what was judged, with what and when, and which evidence was
// and was not there to assess.
func scope(d *reports.Data) Section {
	r := d.Report
	sec := Section{ID: "scope", Title: "Scope, assessor and reference time"}
	prod := r.Subject.ProductName
	if r.Subject.Product != "" {
		prod = strings.TrimSpace(prod + " (" + r.Subject.Product + ")")
	}
	var in, out []string
	has := func(ok bool, what, missing string) {
		if ok {
			in = append(in, what)
		} else {
			out = append(out, missing)
		}
	}
	self, product := 0, 0
	for _, a := range d.Attacks {
		if a.SelfTest {
			self++
		} else {
			product++
		}
	}
	has(d.Manifest != nil, "the signed manifest", "no signed manifest")
	has(d.SBOM != nil, "the SBOM", "no SBOM")
	has(d.Vulns != nil, "the vulnerability scan and VEX", "no vulnerability scan")
	has(len(d.Provenance) > 0, "build provenance", "no build provenance")
	has(len(d.Transcripts) > 0, "a reference-verifier transcript against the live update repository", "no verifier transcript (the live repository was not checked)")
	has(product > 0, "attack scenarios run against the product's own updater", "no attack run against the product's updater")
	has(d.Architecture != nil, "the manufacturer's architecture description", "no architecture description")
	has(len(d.WithRole(bundle.RoleFleetStatus)) > 0, "a fleet status snapshot", "no fleet evidence (installed base, update success)")
	has(d.Answers != nil && len(d.Answers.Declarations) > 0, "the manufacturer's declarations (answers.yaml), as declarations", "no declarations")
	out = append(out, "no review of source code, of the hardware or of the manufacturer's premises and processes beyond the declarations")
	signed := "not signed: a report rendered on its own (the dossier signs its SHA256SUMS)"
	if d.DossierSigner != "" {
		signed = "key " + d.DossierSigner + " (SHA-256 of the public key), over SHA256SUMS"
	}
	bsig := "not authenticated"
	if d.BundleSigner != "" {
		bsig = "key " + d.BundleSigner
	}
	var cats []Text
	for _, c := range r.Catalogues {
		cats = append(cats, TextOf(CodeSpan(c.ID), PlainSpan(": "+c.Edition)))
	}
	rows := []Pair{
		Fact("Product and release", strings.TrimSpace(prod+" "+Or(r.Subject.Version, "(version not in the evidence)"))+", manufacturer "+Or(r.Subject.Manufacturer, NotIn)),
		Fact("Assessed", Or(strings.Join(in, "; "), "nothing")),
		Fact("Not assessed", strings.Join(out, "; ")),
		Fact("Assessed by", fmt.Sprintf("%s %s, automatically, offline, from the evidence only", r.Tool.Name, r.Tool.Version)),
		Fact("Bundle signed by", bsig),
		Fact("Dossier signed by", signed),
		Fact("Reference time", r.ReferenceTime.UTC().Format(time.RFC3339)+" ("+r.TimeSource+"); every validity (certificates, expiry, support period, waivers) is judged at this time"),
		{Key: "Catalogues", Value: OrText(Lines(cats), PlainSpan("none recorded"))},
	}
	sec.Blocks = []Block{KeyValue{Name: "facts", Rows: rows}}
	return sec
}

// findingWaivers names the waivers that applied to findings: findings
// waived with the same approver, expiry and justification share one line.
func findingWaivers(fs []checks.Finding) Text {
	type group struct {
		w        *checks.Waiver
		subjects []string
	}
	var groups []*group
	for _, f := range fs {
		w := f.Waiver
		if w == nil {
			continue
		}
		var g *group
		for _, x := range groups {
			if x.w.Approver == w.Approver && x.w.Expires.Equal(w.Expires.Time) && x.w.Justification == w.Justification {
				g = x
			}
		}
		if g == nil {
			g = &group{w: w}
			groups = append(groups, g)
		}
		g.subjects = append(g.subjects, f.Subject)
	}
	var ws Text
	for _, g := range groups {
		if len(ws) > 0 {
			ws = append(ws, BreakSpan())
		}
		ws = append(ws, EmSpan("Waived"), PlainSpan(fmt.Sprintf(" %s by %s until %s: %s", strings.Join(g.subjects, ", "), g.w.Approver,
			g.w.Expires.Format(time.DateOnly), g.w.Justification)))
	}
	return ws
}

func limitations(d *reports.Data) Section {
	b := BasisOf(d.Report)
	items := []Text{
		Words(fmt.Sprintf("%d results rest on the manufacturer's declarations; craudit did not observe those controls. An auditor must judge the named evidence of each.", b.Declared)),
		Words(fmt.Sprintf("%d passes are self-tests of files craudit wrote while bundling (manifest, SBOM, scan, bundle index); they show craudit's own consistency, not a property of the product.", b.SelfTests)),
		Words("Vulnerability results hold as of the scan database's newest record; a vulnerability published later is not covered."),
		Words("Catalogue entries marked as placeholders or known through a secondary source (see the catalogue editions above) are not the authoritative text."),
		Words("The attack scenarios and the verifier test the update path only; they are not a penetration test of the product."),
	}
	if compactPDF(d) {
		items = append(items, TextOf(PlainSpan("The PDF prints every finding that is not a pass in full; the passing findings of checks that are no exception are counted under each check and listed in full in "),
			LinkSpan("index.html", "index.html"), PlainSpan(" and "), Span{Kind: Link, Href: "results.json", Text: "results.json", Code: true},
			PlainSpan(", both pinned by the dossier's signed SHA256SUMS; it names the passing steps of the verifier transcripts and leaves their detail to index.html and the transcript file.")))
	}
	return Section{ID: "limitations", Title: "Limitations", Blocks: []Block{List{Items: items}}}
}
