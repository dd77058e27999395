package reporttest

import (
	"context"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
)

// RefTime is the reference time of the sample report.
var RefTime = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func fixed(i checks.Info, o checks.Outcome) checks.Check {
	return checks.Func{I: i, F: func(context.Context, *checks.Input) checks.Outcome { return o }}
}

// Checks is a list covering pass, fail (with findings, one waived), missing,
// declared, not_applicable, a whole-check waiver, an expired waiver, an
// error, a crash, and a check the policy does not require.
func Checks() []checks.Check {
	ev := []checks.EvidenceRef{{Path: "manifest.json", SHA256: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"}}
	return []checks.Check{
		fixed(checks.Info{ID: "manifest/signature", Version: 1, Title: "Manifest signed by a key certified by the root", Step: 5, Basis: checks.BasisPractice,
			MapsTo:      []string{"enisa/rec/signature-verification", "cra/annex-i/part-ii/7", "etsi-en-304-621/req-updates-0"},
			Description: "The manifest's signature verifies with the vendor key, whose certificate verifies with the root key.",
			Remediation: "Sign manifest.json with the certified vendor key."},
			checks.Outcome{Status: checks.Pass, Message: "signature verifies", Evidence: ev}),
		fixed(checks.Info{ID: "vuln/known-exploitable", Version: 2, Title: "No known exploitable vulnerabilities", Step: 1, Basis: checks.BasisCRA,
			MapsTo:      []string{"cra/annex-i/part-i/2/a", "enisa/rec/dependency-check"},
			Description: "No component has a known vulnerability at or above the policy's fail_on severity, unless VEX says it is not affected.",
			Remediation: "Update the component or publish a justified VEX statement."},
			checks.Outcome{Status: checks.Fail, Message: "2 vulnerabilities at or above high", Evidence: []checks.EvidenceRef{{Path: "vulns.json", SHA256: "aa" + ev[0].SHA256[2:]}},
				Findings: []checks.Finding{
					{ID: "vuln/known-exploitable#CVE-2023-42363@pkg:apk/alpine/busybox@1.36.1-r2", Status: checks.Fail, Subject: "CVE-2023-42363@pkg:apk/alpine/busybox@1.36.1-r2", Message: "use-after-free in awk <script>", Severity: "medium"},
					{ID: "vuln/known-exploitable#GHSA-xxxx@pkg:golang/x@1", Status: checks.Fail, Subject: "GHSA-xxxx@pkg:golang/x@1", Message: "unknown severity counts as high", Severity: ""},
					{ID: "vuln/known-exploitable#CVE-2024-1@pkg:npm/y@2", Status: checks.Pass, Subject: "CVE-2024-1@pkg:npm/y@2", Message: "not affected (VEX)"},
				}}),
		fixed(checks.Info{ID: "declare/key-storage", Version: 1, Title: "Signing keys protected and managed", Step: 1, Basis: checks.BasisPractice,
			MapsTo: []string{"enisa/rec/key-protection-and-management"}, Description: "Declaration: keys in an HSM?", Remediation: "Answer it."},
			checks.Outcome{Status: checks.Declared, Message: "declared implemented (owner: Sec): HSM", Evidence: []checks.EvidenceRef{{Path: "evidence/hsm.md", SHA256: ev[0].SHA256}}}),
		fixed(checks.Info{ID: "declare/atomic-install", Version: 1, Title: "Atomic installation", Step: 6, Basis: checks.BasisPractice,
			MapsTo: []string{"enisa/rec/atomic-update-behaviour", "etsi-en-304-621/req-updates-3"}, Description: "Declaration: A/B?", Remediation: "Answer declare/atomic-install in answers.yaml."},
			checks.Outcome{Status: checks.Missing, Message: "not declared"}),
		fixed(checks.Info{ID: "declare/automatic-updates", Version: 1, Title: "Automatic security updates", Step: 3, Basis: checks.BasisCRA,
			MapsTo: []string{"cra/annex-i/part-i/2/c"}, Description: "Declaration: automatic updates?", Remediation: "Answer it."},
			checks.Outcome{Status: checks.NotApplicable, Message: "not applicable: component for integrators"}),
		fixed(checks.Info{ID: "product/cvd-policy", Version: 1, Title: "CVD policy published", Basis: checks.BasisCRA,
			MapsTo: []string{"cra/annex-i/part-ii/5"}, Description: "cvd_policy_url is https.", Remediation: "Publish one."},
			checks.Outcome{Status: checks.Missing, Message: "no cvd_policy_url"}),
		fixed(checks.Info{ID: "product/doc-reference", Version: 1, Title: "Where the EU declaration of conformity is", Basis: checks.BasisCRA,
			MapsTo: []string{"cra/annex-ii/6"}, Description: "DoC URL.", Remediation: "Set it."},
			checks.Outcome{Status: checks.Missing, Message: "no declaration_of_conformity_url"}),
		fixed(checks.Info{ID: "sbom/bsi-fields", Version: 1, Title: "SBOM has the BSI TR-03183-2 fields", Step: 1, Basis: checks.BasisPractice,
			MapsTo: []string{"bsi-tr-03183-2/component-hash-sha512", "ntia/supplier"}, Description: "Fields.", Remediation: "Add them."},
			checks.Outcome{Status: checks.Fail, Message: "1 component lacks a SHA-512 hash",
				Findings: []checks.Finding{{ID: "sbom/bsi-fields#busybox", Status: checks.Fail, Subject: "busybox", Message: "no SHA-512"}}}),
		fixed(checks.Info{ID: "verifier/freshness", Version: 1, Title: "Repository metadata is fresh", Step: 3, Basis: checks.BasisPractice,
			MapsTo: []string{"enisa/rec/metadata-freshness-validation"}, Description: "Expiry.", Remediation: "Re-sign."},
			checks.Outcome{Status: checks.Error, Message: "no transcript: the repository was not verified"}),
		// (Not a panic: the runner's crash message names a source path,
		// which would tie the golden files to this checkout.)
		fixed(checks.Info{ID: "attack/rollback", Version: 1, Title: "Client refuses a rollback", Step: 5, Basis: checks.BasisPractice,
			MapsTo: []string{"enisa/rec/version-control-and-anti-rollback"}, Description: "Rollback scenario.", Remediation: "Keep a counter."},
			checks.Outcome{Status: checks.Error, Message: "attack results absent: <no live/attack-results.json>"}),
		fixed(checks.Info{ID: "provenance/builder", Version: 1, Title: "Built by an allowed builder", Step: 2, Basis: checks.BasisPractice,
			MapsTo: []string{"enisa/rec/provenance-and-traceability"}, Description: "Builder ID.", Remediation: "Build in CI."},
			checks.Outcome{Status: checks.Fail, Message: "builder not allowed"}),
	}
}

// Policy waives one vulnerability and the CVD check, has an expired waiver
// for the DoC check, and leaves provenance/builder (step 2) out of the
// required list.
func Policy() *checks.Policy {
	d := func(s string) product.Date { t, _ := product.ParseDate(s); return product.Date{Time: t} }
	return &checks.Policy{FailOn: "high",
		Required: []string{"enisa/step/1", "enisa/step/3", "enisa/step/5", "enisa/step/6", "product/cvd-policy", "product/doc-reference", "sbom/bsi-fields", "vuln/known-exploitable"},
		Waivers: []checks.Waiver{
			{ID: "vuln/known-exploitable#GHSA-xxxx@pkg:golang/x@1", Justification: "not reachable; fix in 1.0.2", Approver: "CISO", Expires: d("2027-01-31")},
			{ID: "product/cvd-policy", Justification: "policy page goes live with the launch", Approver: "Product owner", Expires: d("2026-12-31")},
			{ID: "product/doc-reference", Justification: "old", Approver: "PO", Expires: d("2026-01-01")},
		}}
}

// Report runs Checks under Policy through the real runner.
func Report() *checks.Report {
	p := Policy()
	in := &checks.Input{RefTime: RefTime, Policy: p, ParseErrs: map[string]error{}, Live: map[string][]byte{}}
	var cats []checks.CatalogueRef
	for _, r := range mappings.MustLoad().Refs() {
		cats = append(cats, checks.CatalogueRef{ID: r.ID, Edition: r.Edition})
	}
	return checks.Run(context.Background(), Checks(), in, checks.RunOptions{Tool: checks.Tool{Name: "craudit", Version: "0.1.0-test"}, TimeSource: "--reference-time", Catalogues: cats})
}

// Lookup is the catalogue lookup the renderers take.
func Lookup(id string) (string, string, bool) { return mappings.MustLoad().Describe(id) }

// Infos lists the checks' descriptions.
func Infos() []checks.Info {
	var out []checks.Info
	for _, c := range Checks() {
		out = append(out, c.Info())
	}
	return out
}
