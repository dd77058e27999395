package document

// Annex VII points 1 and 2: the product, its update solution and its
// vulnerability handling.

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

func general(d *reports.Data) Section {
	var a, b, c, u Section
	a.Title = "(a) Intended purpose"
	if p := d.Product; p != nil {
		prod := TextOf(PlainSpan(p.Product.Name+" (model "+Or(p.Product.Model, "not given")+", id "), CodeSpan(p.Product.ID), PlainSpan(")"))
		if p.Product.Type != "" {
			prod = append(prod, PlainSpan(", "+p.Product.Type))
		}
		m := p.Manufacturer
		a.Blocks = []Block{KV(Fact("Manufacturer", strings.Join(NonEmpty(m.Name, m.Address, m.Email, m.Website), ", ")),
			Pair{"Product", prod},
			Fact("Identifiers", Or(strings.Join(p.Product.Identifiers, ", "), NotIn)),
			Fact("Intended purpose", Or(p.Product.IntendedPurpose, NotIn)),
			Fact("Essential functions", Or(strings.Join(p.Product.EssentialFunctions, ", "), NotIn)),
			Fact("Hardware", Or(strings.Join(p.Product.HardwareIDs, ", "), NotIn)))}
	} else {
		a.Blocks = []Block{Gap{"product.yaml is not in the evidence: the product and its manufacturer cannot be described."}}
	}
	b.Title = "(b) Software versions"
	if mf := d.Manifest; mf != nil {
		l := KV(Fact("Release", mf.Version+", rollback counter "+Counter(mf.RollbackCounter)))
		for _, x := range mf.Artefacts {
			// The artefact's hash is printed once, in the evidence index;
			// one the bundle does not carry keeps its hash here.
			if f, ok := d.File(bundle.ArtefactDir + x.Name); ok {
				l.Rows = append(l.Rows, Pair{"Artefact", TextOf(CodeSpan(x.Name), PlainSpan(fmt.Sprintf(", %d bytes: ", x.Size)), FileSpan(d, f))})
				continue
			}
			l.Rows = append(l.Rows, Pair{"Artefact", TextOf(CodeSpan(x.Name), PlainSpan(fmt.Sprintf(", %d bytes, not in the bundle, SHA-256 ", x.Size)), HashSpan(x.SHA256))})
		}
		if d.SBOM != nil && d.SBOM.Subject != "" {
			l.Rows = append(l.Rows, Fact("SBOM subject", d.SBOM.Subject))
		}
		b.Blocks = []Block{l}
	} else {
		b.Blocks = []Block{noManifest}
	}
	c.Title = "(c) Hardware illustrations"
	c.Blocks = []Block{Gap{"Not in the evidence: the bundle carries no photographs or illustrations of the hardware."}}
	u.Title = "(d) User information (Annex II)"
	if p := d.Product; p != nil {
		u.Blocks = []Block{KV(Fact("Security instructions for users", Or(p.UserInstructionsURL, NotIn)), Fact("Vulnerability contact", Or(p.SecurityContact, NotIn)),
			Fact("CVD policy", Or(p.CVDPolicyURL, NotIn)), Fact("EU declaration of conformity", Or(p.DoCURL, NotIn)),
			Fact("SBOM for users", Or(p.SBOMURL, "not made available (optional)")))}
	} else {
		u.Blocks = []Block{Gap{"Not in the evidence."}}
	}
	return Annex(1, nil, a, b, c, u)
}

var noManifest = Gap{"The signed manifest is not in the evidence."}

func design(d *reports.Data) Section {
	return Annex(2, nil, architecture(d), vulnHandling(d), production(d))
}

// architecture is point 2(a): the manufacturer's description of the system
// architecture, quoted from the file the bundle pins, or said missing.
func architecture(d *reports.Data) Section {
	sec := Section{ID: "architecture", Title: "(a) Design and development: the system architecture"}
	a := d.Architecture
	if a == nil {
		sec.Blocks = []Block{Gap{"Missing: the bundle holds no architecture description (product.yaml names none in architecture_description), so the description of the system architecture this point asks for is not in the evidence."}}
		return sec
	}
	p := TextOf(PlainSpan("The manufacturer's architecture description: "), FileSpan(d, *a))
	if d.ArchitectureText == "" {
		sec.Blocks = []Block{Paragraph{append(p, PlainSpan(". It is not short UTF-8 text, so it is cited, not quoted."))}}
		return sec
	}
	sec.Blocks = []Block{Paragraph{append(p, PlainSpan(", quoted as written:"))}, Pre{Lines: strings.Split(strings.TrimRight(d.ArchitectureText, "\n"), "\n")}}
	return sec
}

// updateSolution is part of point 2(b): the technical solutions chosen for
// the secure distribution of updates.
func updateSolution(d *reports.Data) Section {
	sec := Section{Title: "Secure distribution of updates"}
	if p := d.Product; p != nil {
		u := p.Updates
		sec.Blocks = []Block{KV(Fact("Delivery model", Or(u.DeliveryModel, NotIn)), Fact("Profile", Or(u.Profile, NotIn)),
			Fact("Automatic security updates", YesNo(u.AutomaticSecurityUpdates)), Fact("User can postpone", YesNo(u.UserCanPostpone)),
			Fact("Update repository", Or(u.RepositoryURL, NotIn)))}
	}
	keys := Section{Title: "Keys and their roles"}
	if len(d.Keys) > 0 {
		t := Table{Columns: []Column{{Title: "Key", Weight: 2}, {Title: "Role and facts", Weight: 8}, {Title: "Files", Weight: 1.5}}}
		for _, k := range d.Keys {
			var fs []Text
			for _, f := range k.Files {
				s := FileSpan(d, f)
				s.Brief = true
				fs = append(fs, TextOf(s))
			}
			t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: Words(k.Role)}, {Text: Words(k.Detail)}, {Text: Joined(fs, " ")}}})
		}
		keys.Blocks = []Block{t}
	} else {
		keys.Blocks = []Block{Gap{"No keys in the evidence."}}
	}
	man := Section{Title: "Signed manifest fields"}
	if m := d.Manifest; m != nil {
		applies := TextOf(CodeSpan(m.Product))
		if m.Model != "" {
			applies = append(applies, PlainSpan(", model "+m.Model))
		}
		applies = append(applies, PlainSpan(", hardware "+strings.Join(m.HardwareIDs, ", ")))
		man.Blocks = []Block{KV(Pair{"Applies to", applies},
			Fact("Version and anti-rollback", m.Version+", rollback counter "+Counter(m.RollbackCounter)),
			Fact("Freshness", "issued "+m.Timestamp.UTC().Format(time.RFC3339)+", expires "+m.Expires.UTC().Format(time.RFC3339)),
			Fact("Update type", UpdateType(m.UpdateType, m.Severity)), Fact("Advisory", Or(m.AdvisoryURL, "none")),
			Fact("Integrity", fmt.Sprintf("%d artefact(s), each with size, SHA-256 and SHA-512", len(m.Artefacts))))}
	} else {
		man.Blocks = []Block{noManifest}
	}
	prov := Section{Title: "Build provenance"}
	if len(d.Provenance) > 0 {
		l := List{}
		for _, f := range d.Provenance {
			l.Items = append(l.Items, TextOf(FileSpan(d, f)))
		}
		prov.Blocks = []Block{l}
	} else {
		prov.Blocks = []Block{Gap{"No provenance attestations in the evidence."}}
	}
	sec.Subs = []Section{keys, man, prov}
	return sec
}

func vulnHandling(d *reports.Data) Section {
	sec := Section{Title: "(b) Vulnerability handling"}
	if p := d.Product; p != nil {
		sec.Blocks = []Block{Paragraph{Words(fmt.Sprintf("Vulnerability reports: %s. Coordinated vulnerability disclosure policy: %s.",
			Or(p.SecurityContact, "contact "+NotIn), Or(p.CVDPolicyURL, NotIn)))}}
	}
	sb := Section{Title: "SBOM summary"}
	if s := d.SBOM; s != nil {
		var types []string
		for _, t := range s.Types {
			types = append(types, fmt.Sprintf("%d %s", t.Count, t.Name))
		}
		format := "CycloneDX " + s.SpecVersion
		if s.Timestamp != "" {
			format += ", created " + s.Timestamp
		}
		if len(s.Tools) > 0 {
			format += ", by " + strings.Join(s.Tools, ", ")
		}
		l := KV(Pair{"File", TextOf(FileSpan(d, s.File))}, Fact("Format", format),
			Fact("Components", fmt.Sprintf("%d (%s)", len(s.Components), strings.Join(types, ", "))),
			Fact("Coverage", fmt.Sprintf("%d with a licence, %d with a purl, %d with a SHA-512 hash; %d dependency entries", s.WithLicence, s.WithPURL, s.WithSHA512, s.Dependencies)))
		for _, f := range s.Imported {
			l.Rows = append(l.Rows, Pair{"Imported SBOM", TextOf(FileSpan(d, f))})
		}
		sb.Blocks = []Block{l}
	} else {
		sb.Blocks = []Block{NoSBOM}
	}
	sec.Subs = []Section{sb, vulns(d), updateSolution(d)}
	return sec
}

func vulns(d *reports.Data) Section {
	sec := Section{Title: "Vulnerabilities and VEX status"}
	v := d.Vulns
	if v == nil {
		sec.Blocks = []Block{Gap{"No vulnerability scan in the evidence."}}
		return sec
	}
	var db []string
	for _, x := range v.Database {
		db = append(db, x.Name)
	}
	p := TextOf(PlainSpan("Scan results: "), FileSpan(d, v.File))
	if len(db) > 0 {
		p = append(p, PlainSpan(". Database: "+strings.Join(db, "; ")))
	}
	var vex []Text
	for _, f := range v.VEX {
		vex = append(vex, TextOf(FileSpan(d, f)))
	}
	p = append(p, PlainSpan(". VEX documents: "))
	p = append(p, OrText(Joined(vex, ", "), PlainSpan("none"))...)
	p = append(p, PlainSpan("."))
	sec.Blocks = []Block{Paragraph{p}}
	if len(v.Rows) == 0 {
		sec.Blocks = append(sec.Blocks, Paragraph{Words("The scan matched no vulnerability.")})
		return sec
	}
	t := Table{Name: "vulns", Columns: []Column{{Title: "Vulnerability", Weight: 3}, {Title: "Component", Weight: 2.6}, {Title: "Severity", Weight: 1.3},
		{Title: "VEX status", Weight: 1.7}, {Title: "The manufacturer's reasoning (VEX)", Weight: 6}}}
	for _, x := range v.Rows {
		id := TextOf(CodeSpan(x.ID))
		if len(x.Aliases) > 0 {
			id = append(id, BreakSpan(), SmallSpan(strings.Join(x.Aliases, ", ")))
		}
		comp := Words(strings.TrimSpace(x.Package + " " + x.Version))
		if x.Fixed != "" {
			comp = append(comp, BreakSpan(), SmallSpan("fixed in "+x.Fixed))
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: id}, {Text: comp}, {Text: Words(Or(x.Severity, "unknown"))},
			{Text: Words(charts.VEXLabel(x.VEX))}, {Text: reasoning(x)}}})
	}
	sec.Blocks = append(sec.Blocks, Chart{charts.Vulns(v.Rows)}, t)
	return sec
}

func production(d *reports.Data) Section {
	sec := Section{ID: "declarations", Title: "(c) Production and monitoring processes"}
	a := d.Answers
	if a == nil || len(a.Declarations) == 0 {
		sec.Blocks = []Block{Gap{"No declarations (answers.yaml) in the evidence about production and monitoring."}}
		return sec
	}
	declared := map[string]bool{}
	for _, r := range d.Report.Results {
		if r.Status == checks.Declared {
			declared[r.Check] = true
		}
	}
	t := Table{Columns: []Column{{Title: "Control", Weight: 2.4}, {Title: "Declared", Weight: 1.3}, {Title: "Statement", Weight: 6},
		{Title: "Owner", Weight: 1.6}, {Title: "Evidence", Weight: 1.3}}}
	for _, dc := range a.Declarations {
		var ev []Text
		for _, e := range dc.Evidence {
			if f, ok := d.File(bundle.EvidenceDir + path.Clean(e)); ok {
				s := FileSpan(d, f)
				s.Brief = true
				ev = append(ev, TextOf(s))
			} else {
				ev = append(ev, TextOf(CodeSpan(e), PlainSpan(" "), EmSpan("(not in the bundle)")))
			}
		}
		st := Words(dc.Statement)
		if dc.Justification != "" {
			st = append(st, BreakSpan(), EmSpan(dc.Justification))
		}
		id := ""
		if declared[dc.Control] {
			id = dc.Control // the test reports leave declared results to this table
		}
		t.Rows = append(t.Rows, Row{ID: id, Cells: []Cell{{Text: TextOf(CodeSpan(dc.Control))}, {Text: Words(dc.Status)}, {Text: st}, {Text: Words(dc.Owner)},
			{Text: OrText(Joined(ev, " "), EmSpan("none"))}}})
	}
	sec.Blocks = []Block{t}
	return sec
}

// reasoning is a VEX statement's justification, impact and action
// statements as written, and which statement decided.
func reasoning(x reports.Vuln) Text {
	var ts []Text
	for _, p := range []struct{ k, v string }{{"Justification:", x.Justification}, {"Impact:", x.Impact}, {"Action:", x.Action}} {
		if p.v != "" {
			ts = append(ts, TextOf(EmSpan(p.k), PlainSpan(" "+p.v)))
		}
	}
	if x.Statement != "" {
		ts = append(ts, TextOf(SmallSpan("Statement "+x.Statement)))
	}
	if x.VEX == "" {
		return TextOf(EmSpan("no VEX statement covers it"))
	}
	return OrText(Lines(ts), EmSpan("the statement gives no reasoning"))
}
