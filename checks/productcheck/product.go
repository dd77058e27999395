package productcheck

import (
	"context"
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
)

// Version of the product checks' behaviour.
const Version = 1

// Checks returns the product information checks.
func Checks() []checks.Check {
	return append([]checks.Check{
		checks.Func{I: checks.Info{
			ID: "product/support-period", Version: Version, Title: "Support period of at least five years per unit or batch",
			MapsTo: []string{"cra/art-13/8", "cra/art-13/19", "cra/annex-ii/7", "cra/annex-vii/4"}, Basis: checks.BasisCRA,
			Description: "Each unit or batch placed on the market gets a support end date, at least five years after it was placed on the market; Article 13(8) allows less only when the product is expected to be in use for less than five years, and then the period must cover that expected use. The end is shown as month and year.",
			Remediation: "In product.yaml set support_period.years (at least 5) and list each batch (or unit) with placed_on_market; a shorter period needs support_period.expected_use_years (under 5, not longer than the period) and a justification.",
		}, F: supportPeriod},
		checks.Func{I: checks.Info{
			ID: "product/security-contact", Version: Version, Title: "Contact for vulnerability reports",
			MapsTo: []string{"cra/annex-i/part-ii/6", "cra/annex-ii/2", "cra/annex-vii/2/b"}, Basis: checks.BasisCRA,
			Description: "product.yaml names a single point of contact (an email address or an https URL) where vulnerabilities can be reported.",
			Remediation: "Set security_contact in product.yaml to an email address or an https:// URL (for example your security.txt).",
		}, F: securityContact},
		checks.Func{I: checks.Info{
			ID: "product/cvd-policy", Version: Version, Title: "Coordinated vulnerability disclosure policy published",
			MapsTo: []string{"cra/annex-i/part-ii/5", "cra/annex-ii/2", "cra/annex-vii/2/b"}, Basis: checks.BasisCRA,
			Description: "product.yaml gives the https URL where the coordinated vulnerability disclosure policy can be found.",
			Remediation: "Publish a CVD policy and set cvd_policy_url in product.yaml to its https:// address.",
		}, F: cvdPolicy},
		checks.Func{I: checks.Info{
			ID: "product/user-information", Version: Version, Title: "User information of Annex II",
			MapsTo: []string{"cra/annex-ii/1", "cra/annex-ii/3", "cra/annex-ii/4", "cra/annex-ii/8", "cra/annex-ii/9", "cra/annex-vii/1/a", "cra/annex-vii/1/d"}, Basis: checks.BasisCRA,
			Description: "product.yaml carries the Annex II items that can be stated as data: manufacturer name and contact (1), product name, type and identification (3), intended purpose and essential functions (4), where the instructions are (8), and where the SBOM is if it is made available (9).",
			Remediation: "Fill in the manufacturer, product (name, type or model, identifiers, intended_purpose, essential_functions) and user_instructions_url in product.yaml.",
		}, F: userInformation},
		checks.Func{I: checks.Info{
			ID: "product/doc-reference", Version: Version, Title: "Where the EU declaration of conformity is",
			MapsTo: []string{"cra/annex-ii/6", "cra/annex-vii/7"}, Basis: checks.BasisCRA,
			Description: "product.yaml gives the https URL where the EU declaration of conformity can be accessed.",
			Remediation: "Set declaration_of_conformity_url in product.yaml to the https:// address of the EU declaration of conformity.",
		}, F: docReference},
		checks.Func{I: checks.Info{
			ID: "product/delivery-model", Version: Version, Title: "Update delivery model stated",
			MapsTo: []string{"cra/annex-vii/2/b", "enisa/delivery/in-band", "enisa/delivery/platform-managed", "enisa/delivery/out-of-band-manual", "enisa/delivery/enterprise-staged"}, Basis: checks.BasisPractice,
			Description: "product.yaml says which of ENISA's four delivery models brings updates to the product. The labels are ENISA's (a practice criterion); the CRA asks only that the secure update solution be described (Annex VII (2)(b)), which the description of the chosen model supports.",
			Remediation: "Set updates.delivery_model in product.yaml to in-band, platform-managed, out-of-band-manual or enterprise-staged.",
		}, F: deliveryModel},
	}, declarationChecks()...)
}

// productOr returns product.yaml, or the outcome to report without it.
func productOr(in *checks.Input) (*product.Product, []checks.EvidenceRef, checks.Outcome, bool) {
	// A parse or validation error wins: Load may keep a half-valid Product.
	if err, ok := in.ParseErrs[bundle.ProductFile]; ok {
		return nil, nil, checks.Errorf(fmt.Sprintf("%s cannot be read: %s", bundle.ProductFile, oneLine(err.Error()))), false
	}
	if in.Product != nil {
		return in.Product, in.Refs(bundle.ProductFile), checks.Outcome{}, true
	}
	if in.Bundle != nil && in.Bundle.Bad(bundle.ProductFile) {
		return nil, nil, checks.Outcome{Status: checks.Fail, Message: bundle.ProductFile + " failed verification: its statements cannot be trusted"}, false
	}
	return nil, nil, checks.Outcome{Status: checks.Missing, Message: "the bundle has no product.yaml"}, false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// httpsURL reports whether s is an absolute https URL with a host.
func httpsURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// emailAddr reports whether s is a bare email address (or a mailto: URL).
func emailAddr(s string) bool {
	s = strings.TrimPrefix(strings.TrimSpace(s), "mailto:")
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

func urlCheck(in *checks.Input, field, what string, value func(*product.Product) string) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	v := strings.TrimSpace(value(p))
	switch {
	case v == "":
		return checks.Outcome{Status: checks.Missing, Evidence: refs, Message: fmt.Sprintf("product.yaml does not say where %s is (%s)", what, field)}
	case !httpsURL(v):
		return checks.Outcome{Status: checks.Fail, Evidence: refs, Message: fmt.Sprintf("%s %q is not an https URL", field, v)}
	}
	return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: fmt.Sprintf("%s is at %s", what, v)}
}

func cvdPolicy(_ context.Context, in *checks.Input) checks.Outcome {
	return urlCheck(in, "cvd_policy_url", "the CVD policy", func(p *product.Product) string { return p.CVDPolicyURL })
}

func docReference(_ context.Context, in *checks.Input) checks.Outcome {
	return urlCheck(in, "declaration_of_conformity_url", "the EU declaration of conformity", func(p *product.Product) string { return p.DoCURL })
}

func securityContact(_ context.Context, in *checks.Input) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	v := strings.TrimSpace(p.SecurityContact)
	switch {
	case v == "":
		return checks.Outcome{Status: checks.Missing, Evidence: refs, Message: "product.yaml names no security_contact for vulnerability reports"}
	case emailAddr(v), httpsURL(v):
		return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: "vulnerability reports go to " + v}
	}
	return checks.Outcome{Status: checks.Fail, Evidence: refs, Message: fmt.Sprintf("security_contact %q is neither an email address nor an https URL", v)}
}

var deliveryModels = []string{"in-band", "platform-managed", "out-of-band-manual", "enterprise-staged"}

func deliveryModel(_ context.Context, in *checks.Input) checks.Outcome {
	p, refs, out, ok := productOr(in)
	if !ok {
		return out
	}
	m := strings.TrimSpace(p.Updates.DeliveryModel)
	if m == "" {
		return checks.Outcome{Status: checks.Missing, Evidence: refs, Message: "product.yaml does not state updates.delivery_model"}
	}
	for _, d := range deliveryModels {
		if m == d {
			msg := "updates reach the product " + d
			if a := p.Updates.AutomaticSecurityUpdates; a != nil {
				msg += fmt.Sprintf("; automatic security updates: %t", *a)
			}
			return checks.Outcome{Status: checks.Pass, Evidence: refs, Message: msg}
		}
	}
	return checks.Outcome{Status: checks.Fail, Evidence: refs, Message: fmt.Sprintf("updates.delivery_model %q: want one of %s", m, strings.Join(deliveryModels, ", "))}
}
