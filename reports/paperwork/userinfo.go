package paperwork

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/conformity"
	"github.com/craudit/craudit/reports/document"
)

// UserInfoInput is what the Annex II information is rendered from.
type UserInfoInput struct {
	Product *product.Product
	Release *product.Release
	// At is the reference time (it says which batches are still supported).
	At time.Time
}

// ui collects the document's fields and what product.yaml lacks.
type ui struct{ missing []string }

func plain(s string) document.Span { return document.Span{Text: s} }
func words(s string) document.Text { return document.Text{plain(s)} }

func (u *ui) val(v, field string) document.Text {
	if strings.TrimSpace(v) != "" {
		return words(v)
	}
	u.missing = append(u.missing, field)
	return document.Text{{Kind: document.Strong, Text: conformity.MissingMark}, plain(" "), {Kind: document.Em, Text: "(product.yaml: " + field + ")"}}
}

func (u *ui) url(v, field string) document.Text {
	if v = strings.TrimSpace(v); v != "" {
		return document.Text{{Kind: document.Link, Href: v, Text: v}}
	}
	return u.val("", field)
}

// list is one item per line.
func (u *ui) list(vs []string, field string) document.Text {
	if len(nonEmpty(vs...)) == 0 {
		return u.val("", field)
	}
	var t document.Text
	for i, v := range nonEmpty(vs...) {
		if i > 0 {
			t = append(t, document.Span{Kind: document.Break})
		}
		t = append(t, plain(v))
	}
	return t
}

func kv(rows ...document.Pair) document.KeyValue { return document.KeyValue{Rows: rows} }

// UserInformation builds the Annex II information for users and lists the
// product.yaml fields it shows as MISSING.
func UserInformation(in UserInfoInput) (*document.Document, []string) {
	p := in.Product
	if p == nil {
		p = &product.Product{}
	}
	info := p.UserInformation
	if info == nil {
		info = &product.UserInformation{}
	}
	u := &ui{}
	name := strings.TrimSpace(p.Product.Name)
	doc := &document.Document{Title: "Information for users: " + name, Contents: "Contents",
		Meta: []document.Text{words("The information and instructions of CRA Annex II (Art. 13(18)), rendered by craudit from product.yaml and release.yaml of the verified bundle. A field product.yaml lacks is shown as " + conformity.MissingMark + "; nothing is filled in on the manufacturer's behalf.")}}
	version := ""
	if in.Release != nil {
		version = in.Release.Version
	}
	ident := append([]string{}, p.Product.Identifiers...)
	if p.Product.ID != "" {
		ident = append(ident, "product ID "+p.Product.ID)
	}
	sec := func(n int, title string, blocks ...document.Block) document.Section {
		return document.Section{ID: fmt.Sprintf("annex-ii-%d", n), Title: fmt.Sprintf("%d. %s", n, title), Blocks: blocks}
	}
	contact := kv(document.Pair{Key: "Name", Value: u.val(p.Manufacturer.Name, "manufacturer.name")},
		document.Pair{Key: "Postal address", Value: u.val(p.Manufacturer.Address, "manufacturer.address")},
		document.Pair{Key: "Email", Value: u.val(p.Manufacturer.Email, "manufacturer.email")},
		document.Pair{Key: "Website", Value: orWord(p.Manufacturer.Website, "none given")})
	vuln := kv(document.Pair{Key: "Report vulnerabilities to", Value: u.val(p.SecurityContact, "security_contact")},
		document.Pair{Key: "Coordinated vulnerability disclosure policy", Value: u.url(p.CVDPolicyURL, "cvd_policy_url")})
	ids := kv(document.Pair{Key: "Name", Value: u.val(p.Product.Name, "product.name")},
		document.Pair{Key: "Type", Value: u.val(strings.Join(nonEmpty(p.Product.Type, p.Product.Model), ", model "), "product.type or product.model")},
		document.Pair{Key: "Identification", Value: u.val(strings.Join(ident, "; "), "product.identifiers")},
		document.Pair{Key: "Software version", Value: orWord(version, "not in the evidence")})
	purpose := kv(document.Pair{Key: "Intended purpose", Value: u.val(p.Product.IntendedPurpose, "product.intended_purpose")},
		document.Pair{Key: "Essential functions", Value: u.list(p.Product.EssentialFunctions, "product.essential_functions")},
		document.Pair{Key: "Security properties", Value: u.list(info.SecurityProperties, "user_information.security_properties")})
	risks := kv(document.Pair{Key: "Circumstances that may lead to significant cybersecurity risks", Value: u.list(info.Risks, "user_information.risks")})
	doc7 := kv(document.Pair{Key: "EU declaration of conformity", Value: u.url(p.DoCURL, "declaration_of_conformity_url")})
	support := []document.Block{kv(document.Pair{Key: "Type of technical security support", Value: u.val(info.TechnicalSupport, "user_information.technical_support")})}
	support = append(support, u.supportEnd(p, in.At)...)
	support = append(support, kv(document.Pair{Key: "Notice when support ends (Art. 13(19))", Value: u.val(info.EndOfSupportNotice, "user_information.end_of_support_notice")}))
	ins := info.Instructions
	turnOff := u.val(ins.TurnOffAutoUpdates, "user_information.instructions.turn_off_auto_updates")
	if a := p.Updates.AutomaticSecurityUpdates; a != nil && !*a && strings.TrimSpace(ins.TurnOffAutoUpdates) == "" {
		u.missing = u.missing[:len(u.missing)-1]
		turnOff = words("not applicable: product.yaml says security updates are not installed automatically")
	}
	integr := u.val(ins.Integration, "user_information.instructions.integration")
	instr := kv(
		document.Pair{Key: "Full instructions", Value: u.url(p.UserInstructionsURL, "user_instructions_url")},
		document.Pair{Key: "(a) Secure commissioning and use", Value: u.val(ins.SecureUse, "user_information.instructions.secure_use")},
		document.Pair{Key: "(b) How changes to the product affect data security", Value: u.val(ins.ChangesAffect, "user_information.instructions.changes_affect")},
		document.Pair{Key: "(c) How to install security updates", Value: u.val(ins.InstallUpdates, "user_information.instructions.install_updates")},
		document.Pair{Key: "(d) Secure decommissioning and removal of user data", Value: u.val(ins.Decommissioning, "user_information.instructions.decommissioning")},
		document.Pair{Key: "(e) How to turn off automatic security updates", Value: turnOff},
		document.Pair{Key: "(f) Information for integrators", Value: integr})
	sbom := kv(document.Pair{Key: "SBOM", Value: orWord(p.SBOMURL, "not made available to users (optional under Annex II point 9)")})
	doc.Sections = []document.Section{
		sec(1, "Manufacturer", contact),
		sec(2, "Single point of contact for vulnerabilities", vuln),
		sec(3, "Product identification", ids),
		sec(4, "Intended purpose, essential functions and security properties", purpose),
		sec(5, "Foreseeable circumstances that may lead to significant risks", risks),
		sec(6, "EU declaration of conformity", doc7),
		sec(7, "Technical security support and the end of the support period", support...),
		sec(8, "Instructions", instr),
		sec(9, "Software bill of materials", sbom),
	}
	return doc, u.missing
}

// supportEnd shows the end of support per batch, at least month and year
// (Art. 13(19)); each unit's period starts when it is placed on the market.
func (u *ui) supportEnd(p *product.Product, at time.Time) []document.Block {
	sp := p.SupportPeriod
	if len(sp.Batches) == 0 || sp.Years <= 0 && !anyEnd(sp.Batches) {
		return []document.Block{kv(document.Pair{Key: "End of the support period", Value: u.val("", "support_period (years and batches)")})}
	}
	t := document.Table{Columns: []document.Column{{Title: "Batch", Weight: 2}, {Title: "Placed on the market", Weight: 2}, {Title: "Support ends", Weight: 3}, {Title: "At " + at.UTC().Format(time.DateOnly), Weight: 2}}}
	for _, b := range sp.Batches {
		end := b.EndDate(sp.Years)
		state := "supported"
		switch {
		case !at.Before(end):
			state = "ended"
		case at.Before(b.PlacedOnMarket.Time):
			state = "not yet placed on the market"
		}
		t.Rows = append(t.Rows, document.Row{Cells: []document.Cell{{Text: words(b.ID)}, {Text: words(b.PlacedOnMarket.Format(time.DateOnly))},
			{Text: words(reports.MonthYear(end) + " (" + end.Format(time.DateOnly) + ")")}, {Text: words(state)}}})
	}
	basis := "unit"
	if sp.StartBasis != "" {
		basis = sp.StartBasis
	}
	return []document.Block{document.Paragraph{Text: words(fmt.Sprintf("Support lasts %d years from when each %s is placed on the market; the end date of your unit depends on its batch:", sp.Years, basis))}, t}
}

func anyEnd(bs []product.Batch) bool {
	for _, b := range bs {
		if b.End != nil {
			return true
		}
	}
	return false
}

func orWord(v, alt string) document.Text {
	if strings.TrimSpace(v) == "" {
		return document.Text{{Kind: document.Em, Text: alt}}
	}
	return words(v)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
