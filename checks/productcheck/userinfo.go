package productcheck

import (
	"context"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
)

// annexIIItem is one Annex II point that product.yaml can state.
type annexIIItem struct {
	point string // finding subject: annex-ii/<n>
	what  string
	// judge returns "" when the item is present, else what is lacking.
	judge func(p *product.Product) string
	// optional items are reported not_applicable when absent (Annex II (9):
	// only if the manufacturer makes the SBOM available).
	optional bool
}

var annexII = []annexIIItem{
	{"annex-ii/1", "manufacturer name and contact", func(p *product.Product) string {
		var lack []string
		if strings.TrimSpace(p.Manufacturer.Name) == "" {
			lack = append(lack, "manufacturer.name")
		}
		if strings.TrimSpace(p.Manufacturer.Address) == "" && strings.TrimSpace(p.Manufacturer.Email) == "" && strings.TrimSpace(p.Manufacturer.Website) == "" {
			lack = append(lack, "a contact (manufacturer.address, email or website)")
		}
		return strings.Join(lack, " and ")
	}, false},
	{"annex-ii/3", "product name, type and identification", func(p *product.Product) string {
		var lack []string
		if strings.TrimSpace(p.Product.Name) == "" {
			lack = append(lack, "product.name")
		}
		if strings.TrimSpace(p.Product.Type) == "" && strings.TrimSpace(p.Product.Model) == "" {
			lack = append(lack, "product.type or product.model")
		}
		if len(p.Product.Identifiers) == 0 && strings.TrimSpace(p.Product.Model) == "" {
			lack = append(lack, "product.identifiers")
		}
		return strings.Join(lack, " and ")
	}, false},
	{"annex-ii/4", "intended purpose and essential functions", func(p *product.Product) string {
		var lack []string
		if strings.TrimSpace(p.Product.IntendedPurpose) == "" {
			lack = append(lack, "product.intended_purpose")
		}
		if len(p.Product.EssentialFunctions) == 0 {
			lack = append(lack, "product.essential_functions")
		}
		return strings.Join(lack, " and ")
	}, false},
	{"annex-ii/8", "where the user instructions are", func(p *product.Product) string {
		if !httpsURL(p.UserInstructionsURL) {
			return "user_instructions_url (an https URL)"
		}
		return ""
	}, false},
	{"annex-ii/9", "where the SBOM can be accessed", func(p *product.Product) string {
		if !httpsURL(p.SBOMURL) {
			return "sbom_url (an https URL)"
		}
		return ""
	}, true},
}

func userInformation(_ context.Context, in *checks.Input) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	const id = "product/user-information"
	var fs []checks.Finding
	var lacking []string
	for _, it := range annexII {
		f := checks.Finding{ID: checks.FindingID(id, it.point), Subject: it.point}
		lack := it.judge(p)
		switch {
		case lack == "":
			f.Status, f.Message = checks.Pass, it.what+": stated"
		case it.optional && strings.TrimSpace(p.SBOMURL) == "":
			f.Status, f.Message = checks.NotApplicable, it.what+": the SBOM is not made available to users (optional under Annex II (9))"
		default:
			f.Status, f.Message = checks.Missing, it.what+": product.yaml lacks "+lack
			lacking = append(lacking, it.point)
		}
		fs = append(fs, f)
	}
	if len(lacking) > 0 {
		return checks.Outcome{Status: checks.Missing, Evidence: refs, Findings: fs, Message: "user information incomplete: " + strings.Join(lacking, ", ")}
	}
	return checks.Outcome{Status: checks.Pass, Evidence: refs, Findings: fs, Message: "the Annex II items product.yaml can state are present"}
}
