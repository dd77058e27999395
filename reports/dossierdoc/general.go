package dossierdoc

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
	"github.com/craudit/craudit/reports/document"
)

func general(d *reports.Data) document.Section {
	var a, b, c, u document.Section
	a.Title = "(a) Intended purpose"
	if p := d.Product; p != nil {
		prod := document.TextOf(document.PlainSpan(p.Product.Name+" (model "+document.Or(p.Product.Model, "not given")+", id "), document.CodeSpan(p.Product.ID), document.PlainSpan(")"))
		if p.Product.Type != "" {
			prod = append(prod, document.PlainSpan(", "+p.Product.Type))
		}
		m := p.Manufacturer
		a.Blocks = []document.Block{document.KV(document.Fact("Manufacturer", strings.Join(document.NonEmpty(m.Name, m.Address, m.Email, m.Website), ", ")),
			document.Pair{Key: "Product", Value: prod},
			document.Fact("Identifiers", document.Or(strings.Join(p.Product.Identifiers, ", "), document.NotIn)),
			document.Fact("Intended purpose", document.Or(p.Product.IntendedPurpose, document.NotIn)),
			document.Fact("Essential functions", document.Or(strings.Join(p.Product.EssentialFunctions, ", "), document.NotIn)),
			document.Fact("Hardware", document.Or(strings.Join(p.Product.HardwareIDs, ", "), document.NotIn)))}
	} else {
		a.Blocks = []document.Block{document.Gap{Text: "product.yaml is not in the evidence: the product and its manufacturer cannot be described."}}
	}
	b.Title = "(b) Software versions"
	if mf := d.Manifest; mf != nil {
		l := document.KV(document.Fact("Release", mf.Version+", rollback counter "+document.Counter(mf.RollbackCounter)))
		for _, x := range mf.Artefacts {
			// The artefact's hash is printed once, in the evidence index;
			// one the bundle does not carry keeps its hash here.
			if f, ok := d.File(bundle.ArtefactDir + x.Name); ok {
				l.Rows = append(l.Rows, document.Pair{Key: "Artefact", Value: document.TextOf(document.CodeSpan(x.Name), document.PlainSpan(fmt.Sprintf(", %d bytes: ", x.Size)), document.FileSpan(d, f))})
				continue
			}
			l.Rows = append(l.Rows, document.Pair{Key: "Artefact", Value: document.TextOf(document.CodeSpan(x.Name), document.PlainSpan(fmt.Sprintf(", %d bytes, not in the bundle, SHA-256 ", x.Size)), document.HashSpan(x.SHA256))})
		}
		if d.SBOM != nil && d.SBOM.Subject != "" {
			l.Rows = append(l.Rows, document.Fact("SBOM subject", d.SBOM.Subject))
		}
		b.Blocks = []document.Block{l}
	} else {
		b.Blocks = []document.Block{noManifest}
	}
	c.Title = "(c) Hardware illustrations"
	c.Blocks = []document.Block{document.Gap{Text: "Not in the evidence: the bundle carries no photographs or illustrations of the hardware."}}
	u.Title = "(d) User information (Annex II)"
	if p := d.Product; p != nil {
		u.Blocks = []document.Block{document.KV(document.Fact("Security instructions for users", document.Or(p.UserInstructionsURL, document.NotIn)), document.Fact("Vulnerability contact", document.Or(p.SecurityContact, document.NotIn)),
			document.Fact("CVD policy", document.Or(p.CVDPolicyURL, document.NotIn)), document.Fact("EU declaration of conformity", document.Or(p.DoCURL, document.NotIn)),
			document.Fact("SBOM for users", document.Or(p.SBOMURL, "not made available (optional)")))}
	} else {
		u.Blocks = []document.Block{document.Gap{Text: "Not in the evidence."}}
	}
	return document.Annex(1, nil, a, b, c, u)
}

var noManifest = document.Gap{Text: "The signed manifest is not in the evidence."}

func design(d *reports.Data) document.Section {
	return document.Annex(2, nil, architecture(d), vulnHandling(d), production(d))
}

// architecture is point 2(a): the manufacturer's description of the system
// architecture, quoted from the file the bundle pins, or said missing.
func architecture(d *reports.Data) document.Section {
	sec := document.Section{ID: "architecture", Title: "(a) Design and development: the system architecture"}
	a := d.Architecture
	if a == nil {
		sec.Blocks = []document.Block{document.Gap{Text: "Missing: the bundle holds no architecture description (product.yaml names none in architecture_description), so the description of the system architecture this point asks for is not in the evidence."}}
		return sec
	}
	p := document.TextOf(document.PlainSpan("The manufacturer's architecture description: "), document.FileSpan(d, *a))
	if d.ArchitectureText == "" {
		sec.Blocks = []document.Block{document.Paragraph{Text: append(p, document.PlainSpan(". It is not short UTF-8 text, so it is cited, not quoted."))}}
		return sec
	}
	sec.Blocks = []document.Block{document.Paragraph{Text: append(p, document.PlainSpan(", quoted as written:"))}, document.Pre{Lines: strings.Split(strings.TrimRight(d.ArchitectureText, "\n"), "\n")}}
	return sec
}

// updateSolution is part of point 2(b): the technical solutions chosen for
// the secure distribution of updates.
func updateSolution(d *reports.Data) document.Section {
	sec := document.Section{Title: "Secure distribution of updates"}
	if p := d.Product; p != nil {
		u := p.Updates
		sec.Blocks = []document.Block{document.KV(document.Fact("Delivery model", document.Or(u.DeliveryModel, document.NotIn)), document.Fact("Profile", document.Or(u.Profile, document.NotIn)),
			document.Fact("Automatic security updates", document.YesNo(u.AutomaticSecurityUpdates)), document.Fact("User can postpone", document.YesNo(u.UserCanPostpone)),
			document.Fact("Update repository", document.Or(u.RepositoryURL, document.NotIn)))}
	}
	keys := document.Section{Title: "Keys and their roles"}
	if len(d.Keys) > 0 {
		t := document.Table{Columns: []document.Column{{Title: "Key", Weight: 2}, {Title: "Role and facts", Weight: 8}, {Title: "Files", Weight: 1.5}}}
		for _, k := range d.Keys {
			var fs []document.Text
			for _, f := range k.Files {
				s := document.FileSpan(d, f)
				s.Brief = true
				fs = append(fs, document.TextOf(s))
			}
			t.Rows = append(t.Rows, document.Row{Cells: []document.Cell{{Text: document.Words(k.Role)}, {Text: document.Words(k.Detail)}, {Text: document.Joined(fs, " ")}}})
		}
		keys.Blocks = []document.Block{t}
	} else {
		keys.Blocks = []document.Block{document.Gap{Text: "No keys in the evidence."}}
	}
	man := document.Section{Title: "Signed manifest fields"}
	if m := d.Manifest; m != nil {
		applies := document.TextOf(document.CodeSpan(m.Product))
		if m.Model != "" {
			applies = append(applies, document.PlainSpan(", model "+m.Model))
		}
		applies = append(applies, document.PlainSpan(", hardware "+strings.Join(m.HardwareIDs, ", ")))
		man.Blocks = []document.Block{document.KV(document.Pair{Key: "Applies to", Value: applies},
			document.Fact("Version and anti-rollback", m.Version+", rollback counter "+document.Counter(m.RollbackCounter)),
			document.Fact("Freshness", "issued "+m.Timestamp.UTC().Format(time.RFC3339)+", expires "+m.Expires.UTC().Format(time.RFC3339)),
			document.Fact("Update type", document.UpdateType(m.UpdateType, m.Severity)), document.Fact("Advisory", document.Or(m.AdvisoryURL, "none")),
			document.Fact("Integrity", fmt.Sprintf("%d artefact(s), each with size, SHA-256 and SHA-512", len(m.Artefacts))))}
	} else {
		man.Blocks = []document.Block{noManifest}
	}
	prov := document.Section{Title: "Build provenance"}
	if len(d.Provenance) > 0 {
		l := document.List{}
		for _, f := range d.Provenance {
			l.Items = append(l.Items, document.TextOf(document.FileSpan(d, f)))
		}
		prov.Blocks = []document.Block{l}
	} else {
		prov.Blocks = []document.Block{document.Gap{Text: "No provenance attestations in the evidence."}}
	}
	sec.Subs = []document.Section{keys, man, prov}
	return sec
}

func vulnHandling(d *reports.Data) document.Section {
	sec := document.Section{Title: "(b) Vulnerability handling"}
	if p := d.Product; p != nil {
		sec.Blocks = []document.Block{document.Paragraph{Text: document.Words(fmt.Sprintf("Vulnerability reports: %s. Coordinated vulnerability disclosure policy: %s.",
			document.Or(p.SecurityContact, "contact "+document.NotIn), document.Or(p.CVDPolicyURL, document.NotIn)))}}
	}
	sb := document.Section{Title: "SBOM summary"}
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
		l := document.KV(document.Pair{Key: "File", Value: document.TextOf(document.FileSpan(d, s.File))}, document.Fact("Format", format),
			document.Fact("Components", fmt.Sprintf("%d (%s)", len(s.Components), strings.Join(types, ", "))),
			document.Fact("Coverage", fmt.Sprintf("%d with a licence, %d with a purl, %d with a SHA-512 hash; %d dependency entries", s.WithLicence, s.WithPURL, s.WithSHA512, s.Dependencies)))
		for _, f := range s.Imported {
			l.Rows = append(l.Rows, document.Pair{Key: "Imported SBOM", Value: document.TextOf(document.FileSpan(d, f))})
		}
		sb.Blocks = []document.Block{l}
	} else {
		sb.Blocks = []document.Block{document.NoSBOM}
	}
	sec.Subs = []document.Section{sb, vulns(d), updateSolution(d)}
	return sec
}

func vulns(d *reports.Data) document.Section {
	sec := document.Section{Title: "Vulnerabilities and VEX status"}
	v := d.Vulns
	if v == nil {
		sec.Blocks = []document.Block{document.Gap{Text: "No vulnerability scan in the evidence."}}
		return sec
	}
	var db []string
	for _, x := range v.Database {
		db = append(db, x.Name)
	}
	p := document.TextOf(document.PlainSpan("Scan results: "), document.FileSpan(d, v.File))
	if len(db) > 0 {
		p = append(p, document.PlainSpan(". Database: "+strings.Join(db, "; ")))
	}
	var vex []document.Text
	for _, f := range v.VEX {
		vex = append(vex, document.TextOf(document.FileSpan(d, f)))
	}
	p = append(p, document.PlainSpan(". VEX documents: "))
	p = append(p, document.OrText(document.Joined(vex, ", "), document.PlainSpan("none"))...)
	p = append(p, document.PlainSpan("."))
	sec.Blocks = []document.Block{document.Paragraph{Text: p}}
	if len(v.Rows) == 0 {
		sec.Blocks = append(sec.Blocks, document.Paragraph{Text: document.Words("The scan matched no vulnerability.")})
		return sec
	}
	t := document.Table{Name: "vulns", Columns: []document.Column{{Title: "Vulnerability", Weight: 2.7}, {Title: "Component", Weight: 2.3}, {Title: "Severity", Weight: 1.1},
		{Title: "VEX status", Weight: 1.5}, {Title: "The manufacturer's reasoning (VEX)", Weight: 8}}}
	for _, x := range v.Rows {
		id := document.TextOf(document.CodeSpan(x.ID))
		if len(x.Aliases) > 0 {
			id = append(id, document.BreakSpan(), document.SmallSpan(strings.Join(x.Aliases, ", ")))
		}
		comp := document.Words(strings.TrimSpace(x.Package + " " + x.Version))
		if x.Fixed != "" {
			comp = append(comp, document.BreakSpan(), document.SmallSpan("fixed in "+x.Fixed))
		}
		t.Rows = append(t.Rows, document.Row{Cells: []document.Cell{{Text: id}, {Text: comp}, {Text: document.Words(document.Or(x.Severity, "unknown"))},
			{Text: document.Words(charts.VEXLabel(x.VEX))}, {Text: reasoning(x)}}})
	}
	sec.Blocks = append(sec.Blocks, document.Chart{Chart: charts.Vulns(v.Rows)}, t)
	return sec
}

func production(d *reports.Data) document.Section {
	sec := document.Section{ID: "declarations", Title: "(c) Production and monitoring processes"}
	a := d.Answers
	if a == nil || len(a.Declarations) == 0 {
		sec.Blocks = []document.Block{document.Gap{Text: "No declarations (answers.yaml) in the evidence about production and monitoring."}}
		return sec
	}
	declared := map[string]bool{}
	for _, r := range d.Report.Results {
		if r.Status == checks.Declared {
			declared[r.Check] = true
		}
	}
	t := document.Table{Columns: []document.Column{{Title: "Control", Weight: 2.4}, {Title: "Declared", Weight: 1.3}, {Title: "Statement", Weight: 7},
		{Title: "Owner", Weight: 1.6}, {Title: "Evidence", Weight: 1.3}}}
	for _, dc := range a.Declarations {
		var ev []document.Text
		for _, e := range dc.Evidence {
			if f, ok := d.File(bundle.EvidenceDir + path.Clean(e)); ok {
				s := document.FileSpan(d, f)
				s.Brief = true
				ev = append(ev, document.TextOf(s))
			} else {
				ev = append(ev, document.TextOf(document.CodeSpan(e), document.PlainSpan(" "), document.EmSpan("(not in the bundle)")))
			}
		}
		st := document.Words(dc.Statement)
		if dc.Justification != "" {
			st = append(st, document.BreakSpan(), document.EmSpan(dc.Justification))
		}
		id := ""
		if declared[dc.Control] {
			id = dc.Control // the test reports leave declared results to this table
		}
		t.Rows = append(t.Rows, document.Row{ID: id, Cells: []document.Cell{{Text: document.TextOf(document.CodeSpan(dc.Control))}, {Text: document.Words(dc.Status)}, {Text: st}, {Text: document.Words(dc.Owner)},
			{Text: document.OrText(document.Joined(ev, " "), document.EmSpan("none"))}}})
	}
	sec.Blocks = []document.Block{t}
	return sec
}

// reasoning is a VEX statement's justification, impact and action
// statements as written, and which statement decided.
func reasoning(x reports.Vuln) document.Text {
	var ts []document.Text
	for _, p := range []struct{ k, v string }{{"Justification:", x.Justification}, {"Impact:", x.Impact}, {"Action:", x.Action}} {
		if p.v != "" {
			ts = append(ts, document.TextOf(document.EmSpan(p.k), document.PlainSpan(" "+p.v)))
		}
	}
	if x.Statement != "" {
		ts = append(ts, document.TextOf(document.SmallSpan("Statement "+x.Statement)))
	}
	if x.VEX == "" {
		return document.TextOf(document.EmSpan("no VEX statement covers it"))
	}
	return document.OrText(document.Lines(ts), document.EmSpan("the statement gives no reasoning"))
}
