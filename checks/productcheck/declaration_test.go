package productcheck

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
)

const declarationSection = `declaration:
  place: Berlin
  signatory: {name: Erika Mustermann, function: Managing Director}
user_information:
  instructions:
    install_updates: Updates install automatically at night; Settings > Firmware installs one at once.
`

func findingOf(out checks.Outcome, subject string) checks.Finding {
	for _, f := range out.Findings {
		if f.Subject == subject {
			return f
		}
	}
	return checks.Finding{}
}

func TestDeclarationOfConformity(t *testing.T) {
	cases := []struct {
		name, yaml  string
		want        checks.Status
		msg         string
		subject     string
		subjectWant checks.Status
	}{
		{"complete", goodProduct + declarationSection, checks.Pass, "every item", "annex-v/8", checks.Pass},
		{"no address", edit("  address: Hauptstr. 1, 10115 Berlin, Germany\n", "") + declarationSection, checks.Missing, "manufacturer.address", "annex-v/2", checks.Missing},
		{"no declaration section", goodProduct, checks.Missing, "annex-v/8", "annex-v/8", checks.Missing},
		{"no signatory function", goodProduct + strings.Replace(declarationSection, ", function: Managing Director", "", 1), checks.Missing, "declaration.signatory.function", "annex-v/8", checks.Missing},
		{"no standards", goodProduct + declarationSection, checks.Pass, "", "annex-v/6", checks.NotApplicable},
		{"with standards", goodProduct + declarationSection + "standards: [EN 18031-1]\n", checks.Pass, "", "annex-v/6", checks.Pass},
		{"no notified body", goodProduct + declarationSection, checks.Pass, "", "annex-v/7", checks.NotApplicable},
		{"half a notified body", goodProduct + strings.Replace(declarationSection, "  place: Berlin\n", "  place: Berlin\n  notified_body: {name: TÜV Demo}\n", 1),
			checks.Missing, "declaration.notified_body.number", "annex-v/7", checks.Missing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := run(t, "product/declaration-of-conformity", makeInput(t, c.yaml, nil))
			if out.Status != c.want || !strings.Contains(out.Message, c.msg) {
				t.Fatalf("got %s %q, want %s containing %q", out.Status, out.Message, c.want, c.msg)
			}
			if f := findingOf(out, c.subject); f.Status != c.subjectWant {
				t.Errorf("%s: %+v, want %s", c.subject, f, c.subjectWant)
			}
		})
	}
}

func TestUpdateInstructions(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       checks.Status
		msg        string
	}{
		{"stated", goodProduct + declarationSection, checks.Pass, "install_updates"},
		{"url only", goodProduct, checks.Pass, "not in the evidence"},
		{"neither", edit("user_instructions_url: https://acme.example/t1/manual\n", ""), checks.Missing, "does not say"},
		{"http url", edit("https://acme.example/t1/manual", "http://acme.example/t1/manual"), checks.Missing, "does not say"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := run(t, "product/update-instructions", makeInput(t, c.yaml, nil))
			if out.Status != c.want || !strings.Contains(out.Message, c.msg) {
				t.Fatalf("got %s %q, want %s containing %q", out.Status, out.Message, c.want, c.msg)
			}
		})
	}
}
