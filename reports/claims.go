package reports

import (
	"slices"
	"strings"

	"github.com/craudit/craudit/checks"
)

// NotJudged is a claim's status when evidence files exist but no check
// judged them: the report shows the files without claiming a verdict.
const NotJudged checks.Status = "not_judged"

// Claim is one row of the claims -> evidence table of the ENISA advisory's
// thermostat example: what a manufacturer can claim about its update
// mechanism, and the evidence in this dossier that backs or refutes it.
type Claim struct {
	ID    string
	Claim string
	// Expected is the kind of evidence the advisory pairs with the claim.
	Expected string
	Status   checks.Status
	Checks   []ClaimCheck
	Files    []FileRef
}

// ClaimCheck is a check result that bears on a claim.
type ClaimCheck struct {
	Check  string
	Status checks.Status
}

// claimDef says which evidence and results belong to a claim: files by
// path pattern, results by check-ID prefix or by the ENISA recommendations
// (enisa/rec/...) they map to.
type claimDef struct {
	id, claim, expected string
	files               []string
	checks              []string
	recs                []string
}

// claimDefs are the seven claims of the advisory's closing table, in its order.
var claimDefs = []claimDef{
	{"origin", "The update can be trusted: its origin and composition are known",
		"build logs, SBOM, software composition analysis, CI/CD records",
		[]string{"sbom.cdx.json", "imported/*", "vulns.json", "vex/*", "provenance/*"},
		[]string{"sbom/", "vuln/", "vex/", "provenance/"},
		[]string{"provenance-and-traceability", "dependency-check"}},
	{"release", "No one can release or impersonate an update without authorisation",
		"signed manifest, root and vendor public keys, signing logs",
		[]string{"manifest.json", "manifest.json.sig", "keys/*", "bundle.json"},
		[]string{"manifest/signature", "bundle/", "keys/"},
		[]string{"secure-signing-practices", "key-protection-and-management"}},
	{"fast-fixes", "Security fixes are shipped without operational delay",
		"security-only release notes, manifest fields",
		[]string{"release.yaml", "manifest.json"},
		[]string{"manifest/update-type"},
		[]string{"update-structuring", "advisory-linkage", "automated-retrieval-support"}},
	{"channel", "The update channel is authenticated and private",
		"CA certificate, TLS settings",
		[]string{"live/transcript.json"},
		[]string{"verifier/transport", "attack/tls", "attack/transport"},
		[]string{"trusted-update-source", "strong-transport-security", "separation-of-trust-domains"}},
	{"freshness", "Devices cannot be frozen on a vulnerable version",
		"freshness checks, expiry, version validation logs",
		[]string{"manifest.json", "live/transcript.json", "live/attack-results.json"},
		[]string{"manifest/freshness", "verifier/freshness", "attack/freeze", "attack/replay"},
		[]string{"metadata-freshness-validation"}},
	{"verified", "Updates are verified before activation and cannot be downgraded",
		"public keys, signature files, anti-rollback state",
		[]string{"keys/*", "manifest.json", "manifest.json.sig", "live/transcript.json", "live/attack-results.json"},
		[]string{"manifest/rollback-counter", "manifest/version", "manifest/artefacts", "artefact/", "verifier/signature",
			"verifier/integrity", "verifier/rollback", "verifier/applicability", "attack/rollback", "attack/arbitrary"},
		[]string{"signature-verification", "integrity-enforcement", "applicability-validation", "version-control-and-anti-rollback"}},
	{"recovery", "Failures are detected and the device recovers from them",
		"update log, health-check logs, rollback records",
		[]string{"evidence/*", "evidence/*/*", "answers.yaml"},
		[]string{"declare/atomic-install", "declare/logging", "declare/status-recording", "declare/recovery"},
		[]string{"update-status-recording", "secure-logging", "integrity-failure-reporting", "recovery-and-rollback", "atomic-update-behaviour"}},
}

func (c claimDef) covers(r checks.Result) bool {
	for _, p := range c.checks {
		if r.Check == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(r.Check, p)) {
			return true
		}
	}
	for _, m := range r.MapsTo {
		if slug, ok := strings.CutPrefix(m, "enisa/rec/"); ok && slices.Contains(c.recs, slug) {
			return true
		}
	}
	return false
}

func buildClaims(d *Data) []Claim {
	var out []Claim
	for _, def := range claimDefs {
		c := Claim{ID: def.id, Claim: def.claim, Expected: def.expected}
		files := d.filesMatching(def.files...)
		var statuses []checks.Status
		if d.Report != nil {
			for _, r := range d.Report.Results {
				if !def.covers(r) {
					continue
				}
				c.Checks = append(c.Checks, ClaimCheck{Check: r.Check, Status: r.Status})
				statuses = append(statuses, r.Status)
				for _, e := range r.Evidence {
					if f, ok := d.resultFile(e.Path); ok {
						files = append(files, f)
					}
				}
			}
		}
		c.Files = uniqueFiles(files)
		c.Status = Worst(statuses)
		if len(statuses) == 0 {
			c.Status = checks.Missing
			if len(c.Files) > 0 {
				c.Status = NotJudged
			}
		}
		out = append(out, c)
	}
	return out
}

func uniqueFiles(fs []FileRef) []FileRef {
	slices.SortFunc(fs, func(a, b FileRef) int {
		if a.Live != b.Live {
			if a.Live {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Path, b.Path)
	})
	return slices.CompactFunc(fs, func(a, b FileRef) bool { return a.Path == b.Path && a.Live == b.Live })
}

// Worst is the status a group of results earns as a whole: the one that
// needs attention first (checks.Status.Rank), so one failure fails it and a
// declaration makes a group of passes "declared". An empty group is missing.
func Worst(sts []checks.Status) checks.Status {
	if len(sts) == 0 {
		return checks.Missing
	}
	w := sts[0]
	for _, s := range sts[1:] {
		if s.Rank() < w.Rank() {
			w = s
		}
	}
	return w
}
