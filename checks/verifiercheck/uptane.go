package verifiercheck

import (
	"context"
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/transcript"
)

// uptaneChecks judge what only the Uptane profile records: the
// cross-repository checks, the Director's and the ECUs' rules, the
// release counter, and the deviations from the Standard. A transcript of
// another profile makes them not applicable.
func uptaneChecks() []checks.Check {
	return []checks.Check{
		uptaneStep(checks.Info{ID: "verifier/uptane-cross-repository", Version: 1, Step: 5, Basis: checks.BasisPractice,
			Title:       "Uptane: the Director's images match the Image repository's",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/integrity-enforcement", "enisa/rec/separation-of-trust-domains", "cra/annex-i/part-i/2/f", "cra/annex-i/part-ii/7"},
			Description: "For every image the Director assigns, the Image repository lists it through its delegations with the same length, the same hashes and the same custom fields the Standard says must match, and the image downloaded has them: neither a compromised Director nor a compromised Image repository alone can install an image.",
			Remediation: "Let the Director assign only images the Image repository signs, with identical length, hashes, hardware IDs and release counter."},
			"cross/", "target/integrity"),
		uptaneStep(checks.Info{ID: "verifier/uptane-director", Version: 1, Step: 5, Basis: checks.BasisPractice,
			Title:       "Uptane: the Director's targets are for this vehicle's ECUs",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/applicability-validation", "enisa/rec/trusted-update-source", "cra/annex-i/part-ii/7"},
			Description: "The Director's targets delegate nothing, name every ECU at most once, name only ECUs of the vehicle, and give each ECU's hardware ID, so an image meant for another vehicle or another ECU is not installed.",
			Remediation: "Publish per-vehicle Director targets without delegations, one per ECU, with the ECU serial and hardware ID."},
			"director/no-delegations", "director/unique-ecu", "ecu/present", "ecu/hardware-id"),
		uptaneStep(checks.Info{ID: "verifier/uptane-release-counter", Version: 1, Step: 5, Basis: checks.BasisCRA,
			Title:       "Uptane: no image older than the one an ECU runs",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/version-control-and-anti-rollback", "cra/annex-i/part-i/2/c", "cra/annex-i/part-i/2/f"},
			Description: "Every image carries a release counter, and none is lower than the counter of the image its ECU runs (state kept between runs), so a validly signed but vulnerable older image cannot be reinstalled.",
			Remediation: "Give every image a release counter in the Image repository's custom metadata and raise it with every release."},
			"ecu/release-counter"),
		checks.Func{I: deviationsInfo, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judgeDeviations(in) }},
	}
}

var deviationsInfo = checks.Info{ID: "verifier/uptane-deviations", Version: 1, Step: 3, Basis: checks.BasisPractice,
	Title:       "Uptane: no deviation from the Standard as deployed",
	MapsTo:      []string{"enisa/step/3", "enisa/rec/metadata-freshness-validation", "enisa/rec/version-control-and-anti-rollback", "cra/annex-i/part-i/2/c", "cra/annex-i/part-ii/8"},
	Description: "The deployment has what the Standard asks for and widely deployed stacks leave out: a Director timestamp and snapshot (a frozen Director is detected), a time source (not the constant 1970 time), and release counters. Each one missing is named as a finding, neither passed over nor treated as an attack.",
	Remediation: "Publish a Director timestamp and snapshot, give ECUs a secure time source, and add release counters to the Image repository's targets."}

// uptaneStep judges the steps whose ID starts with one of prefixes.
func uptaneStep(i checks.Info, prefixes ...string) checks.Check {
	return checks.Func{I: i, F: func(_ context.Context, in *checks.Input) checks.Outcome {
		return judgeUptane(in, func(t *transcript.Run) checks.Outcome { return judgeSteps(i, t, prefixes) })
	}}
}

// judgeUptane applies judge to every Uptane run that counts for the
// product; the worst decides. No Uptane run: not applicable.
func judgeUptane(in *checks.Input, judge func(*transcript.Run) checks.Outcome) checks.Outcome {
	cnt, o := forProduct(in)
	if o != nil {
		return *o
	}
	out := checks.Outcome{Evidence: in.Refs(TranscriptPath)}
	var msgs []string
	for _, t := range cnt.runs {
		if t.Profile != transcript.ProfileUptane {
			continue
		}
		r := judge(t)
		out.Findings = append(out.Findings, r.Findings...)
		msgs = append(msgs, r.Message)
		out.Status = worse(out.Status, r.Status)
	}
	if out.Status == "" {
		out.Status, out.Message = checks.NotApplicable, "no Uptane transcript: the repositories verified are not an Uptane deployment"
		return out
	}
	out.Message = strings.Join(msgs, "; ") + cnt.note()
	return out
}

func judgeSteps(i checks.Info, t *transcript.Run, prefixes []string) checks.Outcome {
	var out checks.Outcome
	clean := func(s string) string { return stripOrigins(s, t) }
	var failed, passed, skipped []transcript.Step
	seen := map[string]int{}
	for _, s := range t.Steps {
		if !hasPrefix(s.ID, prefixes) {
			continue
		}
		sub := unique(seen, subject(s))
		f := checks.Finding{ID: checks.FindingID(i.ID, sub), Subject: sub, Message: clean(s.Detail)}
		switch s.Verdict {
		case transcript.Fail:
			failed, f.Status = append(failed, s), checks.Fail
		case transcript.Pass:
			passed, f.Status = append(passed, s), checks.Pass
		case transcript.Skip:
			skipped, f.Status = append(skipped, s), checks.Missing
		default:
			continue
		}
		out.Findings = append(out.Findings, f)
	}
	switch {
	case len(failed) > 0:
		out.Status, out.Message = checks.Fail, fmt.Sprintf("uptane: %s failed: %s", failed[0].ID, clean(failed[0].Detail))
	case len(skipped) > 0:
		out.Status, out.Message = checks.Missing, fmt.Sprintf("uptane: %s not checked: %s", skipped[0].ID, clean(skipped[0].Detail))
	case len(passed) == 0 && t.Failure != nil:
		out.Status, out.Message = checks.Missing, fmt.Sprintf("uptane: not reached, the verifier stopped at %s (%s)", t.Failure.Step, clean(t.Failure.Reason))
	case len(passed) == 0:
		out.Status, out.Message = checks.Missing, "uptane: the transcript records no such step (no image assigned, or partial verification)"
	default:
		out.Status, out.Message = checks.Pass, fmt.Sprintf("uptane: %d steps passed (%s)", len(passed), summary(passed))
	}
	return out
}

func hasPrefix(id string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

func judgeDeviations(in *checks.Input) checks.Outcome {
	return judgeUptane(in, func(t *transcript.Run) checks.Outcome {
		var out checks.Outcome
		for _, id := range t.Deviations {
			s, _ := t.Step(id)
			out.Findings = append(out.Findings, checks.Finding{ID: checks.FindingID(deviationsInfo.ID, id), Subject: id, Status: checks.Fail, Message: stripOrigins(s.Detail, t)})
		}
		if len(t.Deviations) > 0 {
			out.Status, out.Message = checks.Fail, "uptane: deviations from the Standard: "+strings.Join(t.Deviations, ", ")
			return out
		}
		if t.Verdict != transcript.Verified && t.Failure != nil {
			out.Status, out.Message = checks.Missing, fmt.Sprintf("uptane: the verifier stopped at %s before every deviation could be looked for", t.Failure.Step)
			return out
		}
		out.Status, out.Message = checks.Pass, "uptane: a time source, a Director timestamp and snapshot, and release counters"
		return out
	})
}
