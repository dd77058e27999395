package productcheck

import (
	"context"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
)

// declarationChecks are the checks over what the EU declaration of
// conformity (Annex V) and the Annex II instructions need from product.yaml.
func declarationChecks() []checks.Check {
	return []checks.Check{
		checks.Func{I: checks.Info{
			ID: "product/declaration-of-conformity", Version: Version, Title: "Items of the EU declaration of conformity (Annex V)",
			MapsTo: []string{"cra/annex-v/1", "cra/annex-v/2", "cra/annex-v/4", "cra/annex-v/6", "cra/annex-v/7", "cra/annex-v/8", "cra/annex-vii/7"}, Basis: checks.BasisCRA,
			Description: "product.yaml carries every item of the EU declaration of conformity that cannot come from the bundle: product name and type (1, 4), manufacturer name and address (2), the standards applied (6, may be none), the notified body where one took part (7), and the place, signatory name and function (8). `craudit declaration` renders the declaration from the same file and shows a lacking item as MISSING.",
			Remediation: "Fill in manufacturer.address, product.type or model, and a declaration section (place, signatory.name, signatory.function; notified_body where one took part) in product.yaml.",
		}, F: declarationOfConformity},
		checks.Func{I: checks.Info{
			ID: "product/update-instructions", Version: Version, Title: "How users install security updates (Annex II 8(c))",
			MapsTo: []string{"cra/annex-ii/8/c", "cra/annex-vii/1/d"}, Basis: checks.BasisCRA,
			Description: "The user information says how security updates are installed: user_information.instructions.install_updates in product.yaml, or at least user_instructions_url pointing to the instructions (then the text itself is not in the evidence, and the finding says so).",
			Remediation: "Set user_information.instructions.install_updates in product.yaml (or publish the instructions and set user_instructions_url).",
		}, F: updateInstructions},
	}
}

// annexVItem is one item of the declaration product.yaml must supply.
type annexVItem struct {
	point string // finding subject: annex-v/<n>
	what  string
	// judge returns what is lacking ("" when present) and whether the
	// item does not apply to this product.
	judge func(p *product.Product) (lack string, na bool)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

var annexV = []annexVItem{
	{"annex-v/1", "product name and type", func(p *product.Product) (string, bool) {
		var lack []string
		if blank(p.Product.Name) {
			lack = append(lack, "product.name")
		}
		if blank(p.Product.Type) && blank(p.Product.Model) {
			lack = append(lack, "product.type or product.model")
		}
		return strings.Join(lack, " and "), false
	}},
	{"annex-v/2", "manufacturer name and address", func(p *product.Product) (string, bool) {
		var lack []string
		if blank(p.Manufacturer.Name) {
			lack = append(lack, "manufacturer.name")
		}
		if blank(p.Manufacturer.Address) {
			lack = append(lack, "manufacturer.address")
		}
		return strings.Join(lack, " and "), false
	}},
	{"annex-v/6", "standards, common specifications or certifications applied", func(p *product.Product) (string, bool) {
		return "", len(p.Standards) == 0
	}},
	{"annex-v/7", "notified body", func(p *product.Product) (string, bool) {
		d := p.Declaration
		if d == nil || d.NotifiedBody == nil {
			return "", true
		}
		var lack []string
		for _, f := range []struct{ v, name string }{{d.NotifiedBody.Name, "name"}, {d.NotifiedBody.Number, "number"},
			{d.NotifiedBody.Procedure, "procedure"}, {d.NotifiedBody.Certificate, "certificate"}} {
			if blank(f.v) {
				lack = append(lack, "declaration.notified_body."+f.name)
			}
		}
		return strings.Join(lack, ", "), false
	}},
	{"annex-v/8", "place of issue, signatory name and function", func(p *product.Product) (string, bool) {
		d := p.Declaration
		if d == nil {
			return "a declaration section (place, signatory.name, signatory.function)", false
		}
		var lack []string
		if blank(d.Place) {
			lack = append(lack, "declaration.place")
		}
		if blank(d.Signatory.Name) {
			lack = append(lack, "declaration.signatory.name")
		}
		if blank(d.Signatory.Function) {
			lack = append(lack, "declaration.signatory.function")
		}
		return strings.Join(lack, ", "), false
	}},
}

func declarationOfConformity(_ context.Context, in *checks.Input) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	const id = "product/declaration-of-conformity"
	var fs []checks.Finding
	var lacking []string
	for _, it := range annexV {
		f := checks.Finding{ID: checks.FindingID(id, it.point), Subject: it.point}
		lack, na := it.judge(p)
		switch {
		case na && it.point == "annex-v/6":
			f.Status, f.Message = checks.NotApplicable, it.what+": product.yaml lists none; the declaration says so"
		case na:
			f.Status, f.Message = checks.NotApplicable, it.what+": none took part according to product.yaml"
		case lack == "":
			f.Status, f.Message = checks.Pass, it.what+": stated"
		default:
			f.Status, f.Message = checks.Missing, it.what+": product.yaml lacks "+lack
			lacking = append(lacking, it.point+" ("+lack+")")
		}
		fs = append(fs, f)
	}
	if len(lacking) > 0 {
		return checks.Outcome{Status: checks.Missing, Evidence: refs, Findings: fs,
			Message: "the EU declaration of conformity would show MISSING for " + strings.Join(lacking, "; ")}
	}
	return checks.Outcome{Status: checks.Pass, Evidence: refs, Findings: fs, Message: "product.yaml carries every item of the EU declaration of conformity it must supply"}
}

func updateInstructions(_ context.Context, in *checks.Input) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	if u := p.UserInformation; u != nil && !blank(u.Instructions.InstallUpdates) {
		return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: "product.yaml says how security updates are installed (user_information.instructions.install_updates)"}
	}
	if httpsURL(p.UserInstructionsURL) {
		return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: "the instructions are published at " + strings.TrimSpace(p.UserInstructionsURL) +
			"; their text on installing security updates is not in the evidence (user_information.instructions.install_updates is not set)"}
	}
	return checks.Outcome{Status: checks.Missing, Evidence: refs, Message: "product.yaml does not say how users install security updates (user_information.instructions.install_updates or user_instructions_url)"}
}
