package list

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
)

// properties groups the checks that test one property from different
// evidence (a declaration, the manifest, the live verifier, the attack
// harness). The label rule: basis cra only where the Regulation itself
// mandates the tested property; one property never carries two labels.
var properties = map[string][]string{
	// Annex I Part I (2)(f): programs protected against unauthorised
	// modification: the device authenticates what it installs.
	"signature and integrity before install": {"manifest/signature", "manifest/artefacts", "verifier/signature", "verifier/integrity",
		"attack/verify", "attack/retrieve", "declare/device-verification"},
	// ENISA practice: the CRA names neither freshness nor anti-rollback.
	"metadata freshness":   {"manifest/freshness", "verifier/freshness", "attack/check-for-updates"},
	"anti-rollback":        {"manifest/rollback-counter", "verifier/rollback", "declare/anti-rollback-state"},
	"applicability":        {"verifier/applicability"},
	"transport":            {"verifier/transport", "declare/device-transport"},
	"build provenance":     {"provenance/present", "provenance/signature", "provenance/subjects", "provenance/builder", "provenance/materials", "declare/build-environment"},
	"craudit's own bundle": {"bundle/integrity"},
	// Annex I Part II (2): security updates separate where feasible.
	"security updates separate": {"manifest/update-type", "declare/security-update-separation"},
	// Annex I Part II (1): a machine-readable SBOM.
	"SBOM": {"sbom/present", "sbom/covers-artefacts"},
	// Annex I Part I (2)(a): no known exploitable vulnerability.
	"no known exploited vulnerability": {"vuln/known-exploitable", "vuln/scan-present"},
	"severity gate":                    {"vuln/severity-threshold", "vuln/db-fresh"},
	"delivery model labels":            {"product/delivery-model"},
	// Annex I Part I (2)(c): automatic security updates with opt-out,
	// notification and postponement.
	"automatic security updates": {"declare/automatic-updates"},
	// ENISA step 7: the device records and reports update outcomes; the
	// fleet snapshot shows it did, beside the declarations that it does.
	"update outcomes recorded":    {"declare/update-logging", "fleet/status-recorded", "fleet/silent-units"},
	"integrity failures reported": {"declare/failure-reporting", "fleet/integrity-failures"},
	// Article 13(8): support per unit from its placing on the market.
	"support period":            {"product/support-period", "fleet/support-period"},
	"fleet runs fixed releases": {"fleet/open-vulnerabilities"},
}

// basisOf is the label each property must carry.
var basisOf = map[string]checks.Basis{
	"signature and integrity before install": checks.BasisCRA,
	"metadata freshness":                     checks.BasisPractice,
	"anti-rollback":                          checks.BasisPractice,
	"applicability":                          checks.BasisPractice,
	"transport":                              checks.BasisPractice,
	"build provenance":                       checks.BasisPractice,
	"craudit's own bundle":                   checks.BasisPractice,
	"security updates separate":              checks.BasisCRA,
	"SBOM":                                   checks.BasisCRA,
	"no known exploited vulnerability":       checks.BasisCRA,
	"severity gate":                          checks.BasisPractice,
	"delivery model labels":                  checks.BasisPractice,
	"automatic security updates":             checks.BasisCRA,
	"update outcomes recorded":               checks.BasisPractice,
	"integrity failures reported":            checks.BasisPractice,
	"support period":                         checks.BasisCRA,
	"fleet runs fixed releases":              checks.BasisPractice,
}

func TestSamePropertySameBasis(t *testing.T) {
	byID := map[string]checks.Info{}
	for _, c := range All() {
		byID[c.Info().ID] = c.Info()
	}
	inProperty := map[string]string{}
	for prop, ids := range properties {
		want, ok := basisOf[prop]
		if !ok {
			t.Errorf("property %q has no basis", prop)
		}
		for _, id := range ids {
			i, ok := byID[id]
			if !ok {
				t.Errorf("%s (property %q) is not a check", id, prop)
				continue
			}
			if other, dup := inProperty[id]; dup {
				t.Errorf("%s is in two properties, %q and %q", id, other, prop)
			}
			inProperty[id] = prop
			if i.Basis != want {
				t.Errorf("%s: basis %s, but property %q is %s", id, i.Basis, prop, want)
			}
		}
	}
}

// A check labelled cra names the Regulation's point it enforces.
func TestCRABasisCitesTheRegulation(t *testing.T) {
	for _, c := range All() {
		i := c.Info()
		if i.Basis != checks.BasisCRA {
			continue
		}
		cites := false
		for _, m := range i.MapsTo {
			cites = cites || strings.HasPrefix(m, "cra/")
		}
		if !cites {
			t.Errorf("%s: basis cra but maps to no CRA entry", i.ID)
		}
	}
}
