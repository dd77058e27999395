package productcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/mappings"
)

var refTime = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

const goodProduct = `manufacturer:
  name: Acme Thermostats GmbH
  address: Hauptstr. 1, 10115 Berlin, Germany
  email: info@acme.example
product:
  id: acme-t1
  name: Acme T1 thermostat
  model: T1
  type: smart thermostat
  identifiers: ["urn:acme:t1"]
  intended_purpose: Heating control in homes
  essential_functions: [temperature control, schedule]
support_period:
  start_basis: batch
  years: 5
  batches:
    - {id: b2026-03, placed_on_market: 2026-03-15}
    - {id: b2026-09, placed_on_market: 2026-09-01}
security_contact: security@acme.example
cvd_policy_url: https://acme.example/security/cvd
declaration_of_conformity_url: https://acme.example/doc/t1.pdf
user_instructions_url: https://acme.example/t1/manual
updates:
  delivery_model: in-band
  automatic_security_updates: true
`

// makeInput writes a real signed bundle holding productYAML (when not
// empty), lets tamper change it, then opens it as `craudit check` does.
func makeInput(t testing.TB, productYAML string, tamper func(dir string)) *checks.Input {
	t.Helper()
	root, err := keys.FromSeed(keys.ECDSAP256, []byte("productcheck-test-seed-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddBytes(bundle.SignerKey, bundle.RoleSignerKey, "application/x-pem-file", root.Public().MarshalPEM()); err != nil {
		t.Fatal(err)
	}
	if productYAML != "" {
		if _, err := w.AddBytes(bundle.ProductFile, bundle.RoleProduct, "application/yaml", []byte(productYAML)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Finish(bundle.Index{Created: refTime}, root); err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(dir)
	}
	b, err := bundle.Open(dir, bundle.VerifyOptions{Root: root.Public(), At: refTime})
	if err != nil {
		t.Fatal(err)
	}
	return checks.Load(b, root.Public(), refTime, nil)
}

func run(t *testing.T, id string, in *checks.Input) checks.Outcome {
	t.Helper()
	for _, c := range Checks() {
		if c.Info().ID == id {
			return c.Run(context.Background(), in)
		}
	}
	t.Fatalf("no check %s", id)
	return checks.Outcome{}
}

func edit(pairs ...string) string { return strings.NewReplacer(pairs...).Replace(goodProduct) }

func TestProductChecks(t *testing.T) {
	noBatches := edit("  batches:\n    - {id: b2026-03, placed_on_market: 2026-03-15}\n    - {id: b2026-09, placed_on_market: 2026-09-01}\n", "")
	cases := []struct {
		name, check, yaml string
		want              checks.Status
		msg               string
	}{
		{"support: good batches", "product/support-period", goodProduct, checks.Pass, "b2026-03 March 2031, b2026-09 September 2031"},
		{"support: four years", "product/support-period", edit("years: 5", "years: 4"), checks.Fail, "gives no support_period.expected_use_years"},
		{"support: four years, a justification is not enough", "product/support-period", edit("years: 5", "years: 4\n  justification: we are small"), checks.Fail, "gives no support_period.expected_use_years"},
		{"support: four years for four years of use", "product/support-period", edit("years: 5", "years: 4\n  expected_use_years: 4\n  justification: expected use is 4 years (sealed battery)"), checks.Pass, "2 batch(es)"},
		{"support: four years for three years of use", "product/support-period", edit("years: 5", "years: 4\n  expected_use_years: 3\n  justification: a three-year service contract"), checks.Pass, "2 batch(es)"},
		{"support: four years for six years of use", "product/support-period", edit("years: 5", "years: 4\n  expected_use_years: 6\n  justification: cost"), checks.Fail, "though the expected use is 6 years"},
		{"support: three years for four years of use", "product/support-period", edit("years: 5", "years: 3\n  expected_use_years: 4\n  justification: cost"), checks.Fail, "must match the expected use"},
		{"support: four years of use without a justification", "product/support-period", edit("years: 5", "years: 4\n  expected_use_years: 4"), checks.Missing, "without the justification Annex VII point 4"},
		{"support: explicit end too early", "product/support-period", edit("placed_on_market: 2026-09-01}", "placed_on_market: 2026-09-01, end: 2030-01-31}"), checks.Fail, "support ends January 2030 (3 years 4 months): shorter than 5 years"},
		{"support: end before start", "product/support-period", edit("placed_on_market: 2026-09-01}", "placed_on_market: 2026-09-01, end: 2026-01-31}"), checks.Fail, "is not after placing on the market"},
		{"support: no batches", "product/support-period", noBatches, checks.Missing, "no unit or batch"},
		{"support: per unit rule only", "product/support-period", strings.Replace(noBatches, "start_basis: batch", "start_basis: unit", 1), checks.Pass, "5 years after each unit"},
		{"support: no years", "product/support-period", edit("  years: 5\n", ""), checks.Missing, "neither support_period.years nor an end date"},
		{"contact: email", "product/security-contact", goodProduct, checks.Pass, "security@acme.example"},
		{"contact: https", "product/security-contact", edit("security@acme.example", "https://acme.example/.well-known/security.txt"), checks.Pass, "security.txt"},
		{"contact: absent", "product/security-contact", edit("security_contact: security@acme.example\n", ""), checks.Missing, "no security_contact"},
		{"contact: http", "product/security-contact", edit("security@acme.example", "http://acme.example/report"), checks.Fail, "neither"},
		{"cvd: good", "product/cvd-policy", goodProduct, checks.Pass, "https://acme.example/security/cvd"},
		{"cvd: absent", "product/cvd-policy", edit("cvd_policy_url: https://acme.example/security/cvd\n", ""), checks.Missing, "cvd_policy_url"},
		{"cvd: not https", "product/cvd-policy", edit("https://acme.example/security/cvd", "ftp://acme.example/cvd"), checks.Fail, "not an https URL"},
		{"doc: good", "product/doc-reference", goodProduct, checks.Pass, "declaration of conformity"},
		{"doc: absent", "product/doc-reference", edit("declaration_of_conformity_url: https://acme.example/doc/t1.pdf\n", ""), checks.Missing, "declaration_of_conformity_url"},
		{"userinfo: good", "product/user-information", goodProduct, checks.Pass, "present"},
		{"userinfo: no purpose", "product/user-information", edit("  intended_purpose: Heating control in homes\n", ""), checks.Missing, "annex-ii/4"},
		{"userinfo: no instructions", "product/user-information", edit("user_instructions_url: https://acme.example/t1/manual\n", ""), checks.Missing, "annex-ii/8"},
		{"userinfo: no manufacturer contact", "product/user-information", edit("  address: Hauptstr. 1, 10115 Berlin, Germany\n  email: info@acme.example\n", ""), checks.Missing, "annex-ii/1"},
		{"delivery: good", "product/delivery-model", goodProduct, checks.Pass, "in-band; automatic security updates: true"},
		{"delivery: unknown", "product/delivery-model", edit("delivery_model: in-band", "delivery_model: carrier-pigeon"), checks.Fail, "want one of"},
		{"delivery: absent", "product/delivery-model", edit("  delivery_model: in-band\n", ""), checks.Missing, "delivery_model"},
		{"no product.yaml", "product/cvd-policy", "", checks.Missing, "no product.yaml"},
		{"product.yaml invalid", "product/support-period", "manufacturer: {name: X}\n", checks.Error, "cannot be read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := run(t, c.check, makeInput(t, c.yaml, nil))
			if out.Status != c.want || !strings.Contains(out.Message, c.msg) {
				t.Fatalf("got %s %q, want %s containing %q (findings %+v)", out.Status, out.Message, c.want, c.msg, out.Findings)
			}
			// Every judgement of a readable product.yaml cites it, hash-pinned.
			if c.yaml != "" && out.Status != checks.Error && (len(out.Evidence) != 1 || out.Evidence[0].Path != "product.yaml" || len(out.Evidence[0].SHA256) != 64) {
				t.Errorf("evidence = %+v, want product.yaml", out.Evidence)
			}
		})
	}
}

func TestSupportPeriodShowsMonthAndYearPerBatch(t *testing.T) {
	out := run(t, "product/support-period", makeInput(t, goodProduct, nil))
	if len(out.Findings) != 2 {
		t.Fatalf("findings = %+v", out.Findings)
	}
	f := out.Findings[1]
	if f.ID != "product/support-period#batch/b2026-09" || !strings.Contains(f.Message, "placed on the market September 2026, support ends September 2031 (5 years)") {
		t.Errorf("finding = %+v", f)
	}
	// A batch whose support has ended is still judged, and says so.
	old := edit("placed_on_market: 2026-03-15", "placed_on_market: 2020-03-15")
	out = run(t, "product/support-period", makeInput(t, old, nil))
	if !strings.Contains(out.Findings[0].Message, "support has ended") {
		t.Errorf("finding = %+v", out.Findings[0])
	}
}

func TestTamperedProductIsAFailure(t *testing.T) {
	in := makeInput(t, goodProduct, func(dir string) {
		os.WriteFile(filepath.Join(dir, "product.yaml"), []byte(edit("years: 5", "years: 9")), 0o644)
	})
	if out := run(t, "product/support-period", in); out.Status != checks.Fail || !strings.Contains(out.Message, "failed verification") {
		t.Fatalf("got %s %q", out.Status, out.Message)
	}
}

func TestDescribeSpan(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	cases := map[[2]string]string{
		{"2026-03-15", "2031-03-15"}: "5 years",
		{"2026-03-15", "2031-03-14"}: "4 years 11 months",
		{"2026-03-15", "2026-09-15"}: "6 months",
		{"2026-01-31", "2033-07-31"}: "7 years 6 months",
	}
	for in, want := range cases {
		if got := describeSpan(d(in[0]), d(in[1])); got != want {
			t.Errorf("%v: %q, want %q", in, got, want)
		}
	}
	if MonthYear(d("2031-03-15")) != "March 2031" {
		t.Error("MonthYear")
	}
}

func TestChecksMapToCatalogue(t *testing.T) {
	set, err := mappings.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Checks() {
		i := c.Info()
		if len(i.MapsTo) == 0 || len(set.Unknown(i.MapsTo...)) > 0 {
			t.Errorf("%s: maps to %v (unknown: %v)", i.ID, i.MapsTo, set.Unknown(i.MapsTo...))
		}
		switch {
		case i.ID == "product/delivery-model":
			// ENISA's four labels are a practice criterion; the CRA asks only
			// that the update solution be described.
			if i.Basis != checks.BasisPractice {
				t.Errorf("%s: basis %s, want practice", i.ID, i.Basis)
			}
		case i.Basis != checks.BasisCRA || set.Basis(i.MapsTo...) != mappings.BasisCRA:
			t.Errorf("%s: product information is a CRA mandate", i.ID)
		}
		if !strings.HasPrefix(i.ID, "product/") || i.Description == "" || i.Remediation == "" || i.Version < 1 {
			t.Errorf("%s: incomplete info", i.ID)
		}
	}
}
