package conformity

// The EU declaration of conformity (CRA Art. 28, Annex V; the simplified
// form of Annex VI), built from product.yaml and release.yaml of a verified
// bundle. A field product.yaml lacks is shown as MISSING, never invented.
// The same blocks are the dossier's copy under Annex VII point 7.

import (
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
)

// MissingMark is what the declaration shows for a field product.yaml lacks.
const MissingMark = "MISSING"

// DeclarationInput is what a declaration is rendered from.
type DeclarationInput struct {
	Product *product.Product
	Release *product.Release
	// Issued is the date of issue (the reference time of the command).
	Issued time.Time
	// Simplified asks for the Annex VI form.
	Simplified bool
}

// decl collects the declaration's rows and the fields it lacks.
type decl struct {
	missing []string
}

// val is v, or MISSING naming the product.yaml field.
func (dc *decl) val(v, field string) document.Text {
	if strings.TrimSpace(v) != "" {
		return document.Words(v)
	}
	dc.missing = append(dc.missing, field)
	src := "(product.yaml: " + field + ")"
	if strings.HasPrefix(field, "release.yaml") {
		src = "(" + field + ")"
	}
	return document.TextOf(document.StrongSpan(MissingMark), document.PlainSpan(" "), document.EmSpan(src))
}

// Declaration builds the declaration document and lists the product.yaml
// fields it shows as MISSING.
func Declaration(in DeclarationInput) (*document.Document, []string) {
	p := in.Product
	dc := &decl{}
	title := "EU declaration of conformity"
	if in.Simplified {
		title = "Simplified EU declaration of conformity"
	}
	name := ""
	if p != nil {
		name = nameModel(p)
	}
	doc := &document.Document{Title: title + ": " + document.Or(name, "(product name missing)"), Contents: "Contents"}
	basis := "Regulation (EU) 2024/2847 (Cyber Resilience Act), Article 28 and Annex V."
	if in.Simplified {
		basis = "Regulation (EU) 2024/2847 (Cyber Resilience Act), Article 28(4) and Annex VI."
	}
	doc.Meta = []document.Text{document.Words(basis),
		document.Words("Rendered by craudit from product.yaml and release.yaml of the verified bundle. A field product.yaml lacks is shown as " + MissingMark + "; nothing is filled in on the manufacturer's behalf.")}
	var blocks []document.Block
	if in.Simplified {
		blocks = dc.simplified(p)
	} else {
		blocks = dc.full(p, in.Release, in.Issued)
	}
	doc.Sections = []document.Section{{ID: "declaration", Title: title, Blocks: blocks}}
	return doc, dc.missing
}

// DeclarationBlocks is the full declaration's content, for the dossier's
// copy (Annex VII point 7).
func DeclarationBlocks(p *product.Product, rel *product.Release, issued time.Time) []document.Block {
	dc := &decl{}
	return dc.full(p, rel, issued)
}

func (dc *decl) simplified(p *product.Product) []document.Block {
	if p == nil {
		p = &product.Product{}
	}
	kind := p.Product.Type
	if m := strings.TrimSpace(p.Product.Model); m != "" {
		kind = strings.TrimSpace(m + " (" + p.Product.Type + ")")
		kind = strings.TrimSuffix(kind, " ()")
	}
	t := document.TextOf(document.PlainSpan("Hereby, "))
	t = append(t, dc.val(p.Manufacturer.Name, "manufacturer.name")...)
	t = append(t, document.PlainSpan(" declares that the product with digital elements of type "))
	t = append(t, dc.val(kind, "product.type or product.model")...)
	t = append(t, document.PlainSpan(" conforms to Regulation (EU) 2024/2847. The full text of the EU declaration of conformity is at: "))
	if u := strings.TrimSpace(p.DoCURL); u != "" {
		t = append(t, document.LinkSpan(u, u))
	} else {
		t = append(t, dc.val("", "declaration_of_conformity_url")...)
	}
	return []document.Block{document.Paragraph{Text: append(t, document.PlainSpan("."))}}
}

func (dc *decl) full(p *product.Product, rel *product.Release, issued time.Time) []document.Block {
	if p == nil {
		p = &product.Product{}
	}
	version := ""
	if rel != nil {
		version = rel.Version
	}
	d := p.Declaration
	if d == nil {
		d = &product.ConformityDeclaration{}
	}
	kind := strings.TrimSpace(strings.Join(document.NonEmpty(p.Product.Type, p.Product.Model), ", model "))
	ident := append([]string{}, p.Product.Identifiers...)
	if p.Product.ID != "" {
		ident = append(ident, "product ID "+p.Product.ID)
	}
	rows := []document.Pair{
		{Key: "1. Product name", Value: dc.val(p.Product.Name, "product.name")},
		{Key: "1. Type", Value: dc.val(kind, "product.type or product.model")},
		{Key: "1. Identification", Value: dc.val(strings.Join(ident, "; "), "product.identifiers")},
		{Key: "1. Software version", Value: dc.val(version, "release.yaml: version")},
		{Key: "2. Manufacturer", Value: dc.val(p.Manufacturer.Name, "manufacturer.name")},
		{Key: "2. Address", Value: dc.val(p.Manufacturer.Address, "manufacturer.address")},
		{Key: "3. Responsibility", Value: document.Words("This declaration of conformity is issued under the sole responsibility of the manufacturer named above.")},
	}
	obj := document.TextOf()
	obj = append(obj, dc.val(nameModel(p), "product.name")...)
	if version != "" {
		obj = append(obj, document.PlainSpan(", software version "+version))
	}
	if len(p.Product.HardwareIDs) > 0 {
		obj = append(obj, document.PlainSpan(", for hardware "+strings.Join(p.Product.HardwareIDs, ", ")))
	}
	if ip := strings.TrimSpace(p.Product.IntendedPurpose); ip != "" {
		obj = append(obj, document.PlainSpan(". Intended purpose: "+strings.TrimRight(ip, ".")))
	}
	rows = append(rows, document.Pair{Key: "4. Object of the declaration", Value: append(obj, document.PlainSpan("."))})
	conform := "The object of the declaration described above is in conformity with Regulation (EU) 2024/2847"
	if len(d.OtherLegislation) > 0 {
		conform += " and with " + strings.Join(d.OtherLegislation, "; ")
	}
	rows = append(rows, document.Pair{Key: "5. Conformity", Value: document.Words(conform + ".")})
	var std []document.Text
	for _, s := range p.Standards {
		line := s.ID
		if s.Title != "" {
			line += " — " + s.Title
		}
		var notes []string
		if s.Kind != "" {
			notes = append(notes, strings.ReplaceAll(s.Kind, "-", " "))
		}
		switch s.Application {
		case product.ApplicationFull:
			notes = append(notes, "applied in full")
		case product.ApplicationPartial:
			notes = append(notes, "applied in part: "+document.Or(strings.Join(s.Parts, ", "), "parts not stated"))
		default:
			notes = append(notes, "full or partial application not stated")
		}
		std = append(std, document.Words(line+" ("+strings.Join(notes, "; ")+")"))
	}
	rows = append(rows, document.Pair{Key: "6. Standards, specifications, certifications", Value: document.OrText(document.Lines(std), document.EmSpan("none listed in product.yaml"))})
	if nb := d.NotifiedBody; nb != nil {
		rows = append(rows,
			document.Pair{Key: "7. Notified body", Value: dc.val(strings.TrimSpace(nb.Name), "declaration.notified_body.name")},
			document.Pair{Key: "7. Number", Value: dc.val(nb.Number, "declaration.notified_body.number")},
			document.Pair{Key: "7. Procedure performed", Value: dc.val(nb.Procedure, "declaration.notified_body.procedure")},
			document.Pair{Key: "7. Certificate", Value: dc.val(nb.Certificate, "declaration.notified_body.certificate")})
	} else {
		rows = append(rows, document.Pair{Key: "7. Notified body", Value: document.Words("not applicable: product.yaml names no notified body")})
	}
	rows = append(rows,
		document.Pair{Key: "8. Additional information", Value: document.Words(document.Or(strings.TrimSpace(d.AdditionalInformation), "none"))},
		document.Pair{Key: "8. Signed for and on behalf of", Value: dc.val(p.Manufacturer.Name, "manufacturer.name")},
		document.Pair{Key: "8. Place of issue", Value: dc.val(d.Place, "declaration.place")},
		document.Pair{Key: "8. Date of issue", Value: document.Words(issued.UTC().Format(time.DateOnly))},
		document.Pair{Key: "8. Name", Value: dc.val(d.Signatory.Name, "declaration.signatory.name")},
		document.Pair{Key: "8. Function", Value: dc.val(d.Signatory.Function, "declaration.signatory.function")},
		document.Pair{Key: "8. Signature", Value: document.Words("to be signed by the person named above, by hand or electronically; craudit's signature over SHA256SUMS vouches for these files, not for the signatory")},
	)
	return []document.Block{document.KeyValue{Name: "declaration", Rows: rows}}
}

// Blocks is the body of Annex VII point 7: a copy of the
// declaration when product.yaml has a declaration section, the published
// declaration's address otherwise, each labelled as what it is.
func Blocks(d *reports.Data) []document.Block {
	p := d.Product
	if p == nil {
		return []document.Block{document.Gap{Text: "No link to the EU declaration of conformity in the evidence."}}
	}
	var blocks []document.Block
	if p.Declaration != nil {
		blocks = append(blocks, document.Paragraph{Text: document.Words("Copy of the EU declaration of conformity, rendered from product.yaml and release.yaml of the verified bundle (the same evidence as `craudit declaration`); a field product.yaml lacks is shown as " + MissingMark + ".")})
		blocks = append(blocks, DeclarationBlocks(p, d.Release, d.Report.ReferenceTime)...)
	}
	switch {
	case p.DoCURL != "" && p.Declaration != nil:
		blocks = append(blocks, document.Paragraph{Text: document.TextOf(document.PlainSpan("The manufacturer also publishes the declaration at "), document.LinkSpan(p.DoCURL, p.DoCURL), document.PlainSpan("."))})
	case p.DoCURL != "":
		// No declaration section: the published declaration's address only.
		blocks = append(blocks, document.Paragraph{Text: document.TextOf(document.PlainSpan("The EU declaration of conformity is published at "), document.LinkSpan(p.DoCURL, p.DoCURL), document.PlainSpan("."))})
	case p.Declaration == nil:
		blocks = append(blocks, document.Gap{Text: "No link to the EU declaration of conformity in the evidence."})
	}
	return blocks
}

// nameModel is the product's name, with its model unless the name has it.
func nameModel(p *product.Product) string {
	n, m := strings.TrimSpace(p.Product.Name), strings.TrimSpace(p.Product.Model)
	if m == "" || strings.Contains(n, m) {
		return n
	}
	return strings.TrimSpace(n + " " + m)
}
