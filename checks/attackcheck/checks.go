package attackcheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/bundle"
)

// ResultsPath is where the results are read from (bundle or live evidence).
const ResultsPath = bundle.AttackFile

// annexVII6 is the dossier's test-report point: attack results are test
// reports on Annex I conformity.
const annexVII6 = "cra/annex-vii/6"

// Checks returns the attack checks, one per ENISA step, in a stable order.
func Checks() []checks.Check {
	return append([]checks.Check{
		step(checks.Info{ID: "attack/check-for-updates", Version: 1, Step: 3, Basis: checks.BasisPractice,
			Title:       "The updater resists hostile repositories when checking for updates",
			MapsTo:      []string{"enisa/step/3", "enisa/rec/metadata-freshness-validation", "enisa/rec/trusted-update-source", "enisa/rec/strong-transport-security", "cra/annex-i/part-ii/3", "cra/annex-i/part-ii/7", annexVII6},
			Description: "The device's own updater was run against hostile repositories on loopback (`craudit attack`): replayed, rolled-back, frozen or mixed metadata, root rotations, endless and slow metadata, TLS downgrades and impostor servers. It must refuse each attack without trusting anything the attacker made, and still take valid updates.",
			Remediation: "Fix the updater so it checks metadata expiry, versions and signatures before trusting anything, bounds every download, and talks only to the pinned https repository; re-run `craudit attack` and bundle the results with --attack-results."}),
		step(checks.Info{ID: "attack/retrieve", Version: 1, Step: 4, Basis: checks.BasisCRA,
			Title:       "The updater resists hostile servers while downloading",
			MapsTo:      []string{"enisa/step/4", "enisa/rec/separation-of-trust-domains", "enisa/rec/integrity-enforcement", "enisa/rec/strong-transport-security", "cra/annex-i/part-i/2/f", "cra/annex-i/part-ii/3", annexVII6},
			Description: "The updater was served longer, shorter, endless and slowly dripped files and redirects to tampering mirrors (`craudit attack`). It must stop at the signed length, give up on slow servers and install nothing it could not verify.",
			Remediation: "Download no more than the signed length, enforce a minimum transfer rate and an overall deadline, and treat mirrors as untrusted (verify every byte against the signed hashes)."}),
		step(checks.Info{ID: "attack/verify", Version: 1, Step: 5, Basis: checks.BasisCRA,
			Title:       "The updater verifies signatures, integrity, applicability and version before installing",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/signature-verification", "enisa/rec/integrity-enforcement", "enisa/rec/applicability-validation", "enisa/rec/version-control-and-anti-rollback", "cra/annex-i/part-i/2/f", "cra/annex-i/part-ii/3", "etsi-en-304-621/req-updates-0", "etsi-en-304-621/req-updates-1", annexVII6},
			Description: "The updater was offered forged, untrusted, below-threshold or uncertified signatures, substituted files, unknown hash algorithms, updates for other products or hardware, signed downgrades and lowered rollback counters (`craudit attack`). It must install none of them, and install a valid update.",
			Remediation: "Verify the chain to the device's trust anchor, every signature threshold, the artefact's hashes, the product and hardware, and the version and rollback counter before installing; re-run `craudit attack`."}),
	}, bindingChecks()...)
}

func step(i checks.Info) checks.Check {
	return checks.Func{I: i, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judge(i, in) }}
}

func judge(i checks.Info, in *checks.Input) checks.Outcome {
	cnt, o := forProduct(in)
	if o != nil {
		return *o
	}
	runs := cnt.runs
	out := checks.Outcome{Evidence: in.Refs(ResultsPath)}
	var bad, unjudged []string
	n := 0
	for _, r := range runs {
		for _, s := range r.Scenarios {
			if s.Step != i.Step {
				continue
			}
			n++
			name := strings.TrimPrefix(s.ID, "attack/")
			f := checks.Finding{ID: checks.FindingID(i.ID, name), Subject: name,
				Message: fmt.Sprintf("%s: %s (expect %s)", s.Verdict.Label(), s.Title, s.Expect)}
			if s.Detail != "" {
				f.Message += ": " + s.Detail
			}
			switch s.Verdict {
			case attackrun.Pass:
				f.Status = checks.Pass
			case attackrun.Vulnerable, attackrun.FunctionalFailure:
				f.Status = checks.Fail
				bad = append(bad, name+" "+s.Verdict.Label())
			default:
				f.Status = checks.Error
				unjudged = append(unjudged, name)
			}
			out.Findings = append(out.Findings, f)
		}
	}
	clients := make([]string, 0, len(runs))
	for _, r := range runs {
		clients = append(clients, fmt.Sprintf("%s profile", r.Profile))
	}
	where := strings.Join(clients, " and ")
	switch {
	case n == 0:
		out.Status, out.Message = checks.Missing, fmt.Sprintf("the attack results (%s) have no ENISA step %d scenario", where, i.Step)
	case len(bad) > 0:
		out.Status, out.Message = checks.Fail, fmt.Sprintf("%d of %d step-%d scenarios failed (%s): %s", len(bad), n, i.Step, where, strings.Join(bad, ", "))
	case len(unjudged) > 0:
		out.Status, out.Message = checks.Error, fmt.Sprintf("%d of %d step-%d scenarios inconclusive (%s): %s", len(unjudged), n, i.Step, where, strings.Join(unjudged, ", "))
	default:
		out.Status, out.Message = checks.Pass, fmt.Sprintf("the updater passed all %d step-%d scenarios (%s)", n, i.Step, where)
	}
	out.Message += cnt.note()
	return out
}
