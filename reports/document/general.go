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

func kv(pairs ...Pair) KeyValue { return KeyValue{Rows: pairs} }

// fact is a labelled plain value.
func fact(k, v string) Pair { return Pair{Key: k, Value: words(v)} }

func general(d *reports.Data) Section {
	var a, b, c, u Section
	a.Title = "(a) Intended purpose"
	if p := d.Product; p != nil {
		prod := text(plain(p.Product.Name+" (model "+or(p.Product.Model, "not given")+", id "), code(p.Product.ID), plain(")"))
		if p.Product.Type != "" {
			prod = append(prod, plain(", "+p.Product.Type))
		}
		m := p.Manufacturer
		a.Blocks = []Block{kv(fact("Manufacturer", strings.Join(nonEmpty(m.Name, m.Address, m.Email, m.Website), ", ")),
			Pair{"Product", prod},
			fact("Identifiers", or(strings.Join(p.Product.Identifiers, ", "), notIn)),
			fact("Intended purpose", or(p.Product.IntendedPurpose, notIn)),
			fact("Essential functions", or(strings.Join(p.Product.EssentialFunctions, ", "), notIn)),
			fact("Hardware", or(strings.Join(p.Product.HardwareIDs, ", "), notIn)))}
	} else {
		a.Blocks = []Block{Gap{"product.yaml is not in the evidence: the product and its manufacturer cannot be described."}}
	}
	b.Title = "(b) Software versions"
	if mf := d.Manifest; mf != nil {
		l := kv(fact("Release", mf.Version+", rollback counter "+counter(mf.RollbackCounter)))
		for _, x := range mf.Artefacts {
			// The artefact's hash is printed once, in the evidence index;
			// one the bundle does not carry keeps its hash here.
			if f, ok := d.File(bundle.ArtefactDir + x.Name); ok {
				l.Rows = append(l.Rows, Pair{"Artefact", text(code(x.Name), plain(fmt.Sprintf(", %d bytes: ", x.Size)), file(d, f))})
				continue
			}
			l.Rows = append(l.Rows, Pair{"Artefact", text(code(x.Name), plain(fmt.Sprintf(", %d bytes, not in the bundle, SHA-256 ", x.Size)), hash(x.SHA256))})
		}
		if d.SBOM != nil && d.SBOM.Subject != "" {
			l.Rows = append(l.Rows, fact("SBOM subject", d.SBOM.Subject))
		}
		b.Blocks = []Block{l}
	} else {
		b.Blocks = []Block{noManifest}
	}
	c.Title = "(c) Hardware illustrations"
	c.Blocks = []Block{Gap{"Not in the evidence: the bundle carries no photographs or illustrations of the hardware."}}
	u.Title = "(d) User information (Annex II)"
	if p := d.Product; p != nil {
		u.Blocks = []Block{kv(fact("Security instructions for users", or(p.UserInstructionsURL, notIn)), fact("Vulnerability contact", or(p.SecurityContact, notIn)),
			fact("CVD policy", or(p.CVDPolicyURL, notIn)), fact("EU declaration of conformity", or(p.DoCURL, notIn)),
			fact("SBOM for users", or(p.SBOMURL, "not made available (optional)")))}
	} else {
		u.Blocks = []Block{Gap{"Not in the evidence."}}
	}
	return annex(1, nil, a, b, c, u)
}

var noManifest = Gap{"The signed manifest is not in the evidence."}

func design(d *reports.Data) Section {
	return annex(2, nil, architecture(d), vulnHandling(d), production(d))
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
	p := text(plain("The manufacturer's architecture description: "), file(d, *a))
	if d.ArchitectureText == "" {
		sec.Blocks = []Block{Paragraph{append(p, plain(". It is not short UTF-8 text, so it is cited, not quoted."))}}
		return sec
	}
	sec.Blocks = []Block{Paragraph{append(p, plain(", quoted as written:"))}, Pre{Lines: strings.Split(strings.TrimRight(d.ArchitectureText, "\n"), "\n")}}
	return sec
}

// updateSolution is part of point 2(b): the technical solutions chosen for
// the secure distribution of updates.
func updateSolution(d *reports.Data) Section {
	sec := Section{Title: "Secure distribution of updates"}
	if p := d.Product; p != nil {
		u := p.Updates
		sec.Blocks = []Block{kv(fact("Delivery model", or(u.DeliveryModel, notIn)), fact("Profile", or(u.Profile, notIn)),
			fact("Automatic security updates", yesNo(u.AutomaticSecurityUpdates)), fact("User can postpone", yesNo(u.UserCanPostpone)),
			fact("Update repository", or(u.RepositoryURL, notIn)))}
	}
	keys := Section{Title: "Keys and their roles"}
	if len(d.Keys) > 0 {
		t := Table{Columns: []Column{{Title: "Key", Weight: 2}, {Title: "Role and facts", Weight: 8}, {Title: "Files", Weight: 1.5}}}
		for _, k := range d.Keys {
			var fs []Text
			for _, f := range k.Files {
				s := file(d, f)
				s.Brief = true
				fs = append(fs, text(s))
			}
			t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: words(k.Role)}, {Text: words(k.Detail)}, {Text: joined(fs, " ")}}})
		}
		keys.Blocks = []Block{t}
	} else {
		keys.Blocks = []Block{Gap{"No keys in the evidence."}}
	}
	man := Section{Title: "Signed manifest fields"}
	if m := d.Manifest; m != nil {
		applies := text(code(m.Product))
		if m.Model != "" {
			applies = append(applies, plain(", model "+m.Model))
		}
		applies = append(applies, plain(", hardware "+strings.Join(m.HardwareIDs, ", ")))
		man.Blocks = []Block{kv(Pair{"Applies to", applies},
			fact("Version and anti-rollback", m.Version+", rollback counter "+counter(m.RollbackCounter)),
			fact("Freshness", "issued "+m.Timestamp.UTC().Format(time.RFC3339)+", expires "+m.Expires.UTC().Format(time.RFC3339)),
			fact("Update type", updateType(m.UpdateType, m.Severity)), fact("Advisory", or(m.AdvisoryURL, "none")),
			fact("Integrity", fmt.Sprintf("%d artefact(s), each with size, SHA-256 and SHA-512", len(m.Artefacts))))}
	} else {
		man.Blocks = []Block{noManifest}
	}
	prov := Section{Title: "Build provenance"}
	if len(d.Provenance) > 0 {
		l := List{}
		for _, f := range d.Provenance {
			l.Items = append(l.Items, text(file(d, f)))
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
		sec.Blocks = []Block{Paragraph{words(fmt.Sprintf("Vulnerability reports: %s. Coordinated vulnerability disclosure policy: %s.",
			or(p.SecurityContact, "contact "+notIn), or(p.CVDPolicyURL, notIn)))}}
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
		l := kv(Pair{"File", text(file(d, s.File))}, fact("Format", format),
			fact("Components", fmt.Sprintf("%d (%s)", len(s.Components), strings.Join(types, ", "))),
			fact("Coverage", fmt.Sprintf("%d with a licence, %d with a purl, %d with a SHA-512 hash; %d dependency entries", s.WithLicence, s.WithPURL, s.WithSHA512, s.Dependencies)))
		for _, f := range s.Imported {
			l.Rows = append(l.Rows, Pair{"Imported SBOM", text(file(d, f))})
		}
		sb.Blocks = []Block{l}
	} else {
		sb.Blocks = []Block{noSBOM}
	}
	sec.Subs = []Section{sb, vulns(d), updateSolution(d)}
	return sec
}

var noSBOM = Gap{"No SBOM in the evidence."}

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
	p := text(plain("Scan results: "), file(d, v.File))
	if len(db) > 0 {
		p = append(p, plain(". Database: "+strings.Join(db, "; ")))
	}
	var vex []Text
	for _, f := range v.VEX {
		vex = append(vex, text(file(d, f)))
	}
	p = append(p, plain(". VEX documents: "))
	p = append(p, orText(joined(vex, ", "), plain("none"))...)
	p = append(p, plain("."))
	sec.Blocks = []Block{Paragraph{p}}
	if len(v.Rows) == 0 {
		sec.Blocks = append(sec.Blocks, Paragraph{words("The scan matched no vulnerability.")})
		return sec
	}
	t := Table{Name: "vulns", Columns: []Column{{Title: "Vulnerability", Weight: 3}, {Title: "Component", Weight: 2.6}, {Title: "Severity", Weight: 1.3},
		{Title: "VEX status", Weight: 1.7}, {Title: "The manufacturer's reasoning (VEX)", Weight: 6}}}
	for _, x := range v.Rows {
		id := text(code(x.ID))
		if len(x.Aliases) > 0 {
			id = append(id, br(), small(strings.Join(x.Aliases, ", ")))
		}
		comp := words(strings.TrimSpace(x.Package + " " + x.Version))
		if x.Fixed != "" {
			comp = append(comp, br(), small("fixed in "+x.Fixed))
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: id}, {Text: comp}, {Text: words(or(x.Severity, "unknown"))},
			{Text: words(charts.VEXLabel(x.VEX))}, {Text: reasoning(x)}}})
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
				s := file(d, f)
				s.Brief = true
				ev = append(ev, text(s))
			} else {
				ev = append(ev, text(code(e), plain(" "), em("(not in the bundle)")))
			}
		}
		st := words(dc.Statement)
		if dc.Justification != "" {
			st = append(st, br(), em(dc.Justification))
		}
		id := ""
		if declared[dc.Control] {
			id = dc.Control // the test reports leave declared results to this table
		}
		t.Rows = append(t.Rows, Row{ID: id, Cells: []Cell{{Text: text(code(dc.Control))}, {Text: words(dc.Status)}, {Text: st}, {Text: words(dc.Owner)},
			{Text: orText(joined(ev, " "), em("none"))}}})
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
			ts = append(ts, text(em(p.k), plain(" "+p.v)))
		}
	}
	if x.Statement != "" {
		ts = append(ts, text(small("Statement "+x.Statement)))
	}
	if x.VEX == "" {
		return text(em("no VEX statement covers it"))
	}
	return orText(lines(ts), em("the statement gives no reasoning"))
}
