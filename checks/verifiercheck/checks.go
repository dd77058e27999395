package verifiercheck

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/transcript"
)

// TranscriptPath is where the transcript is read from (bundle or live evidence).
const TranscriptPath = bundle.TranscriptFile

// Checks returns the verifier checks, one per control, in a stable order.
func Checks() []checks.Check {
	return append([]checks.Check{
		control(checks.Info{ID: "verifier/transport", Version: 1, Step: 4, Basis: checks.BasisPractice,
			Title:       "Repository reached over authenticated, bounded transport",
			MapsTo:      []string{"enisa/step/3", "enisa/step/4", "enisa/rec/strong-transport-security", "enisa/rec/trusted-update-source", "cra/annex-i/part-ii/7"},
			Description: "The reference verifier reached the live repository over HTTPS only (TLS 1.2 or later, certificate chained to the pinned CA, host name checked, no redirect to http) and every download stayed within its size limit, the overall deadline and the minimum transfer rate.",
			Remediation: "Serve the repository over HTTPS with a certificate from the CA devices pin, never fall back to http, and serve files no larger than the metadata announces."},
			transcript.ControlTransport),
		control(checks.Info{ID: "verifier/signature", Version: 1, Step: 5, Basis: checks.BasisCRA,
			Title:       "Update metadata and manifest authenticated up to the device's trust anchor",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/signature-verification", "enisa/rec/separation-of-trust-domains", "cra/annex-i/part-i/2/f", "cra/annex-i/part-ii/7", "etsi-en-304-621/req-updates-0"},
			Description: "Every piece of metadata the verifier trusted was signed by a threshold of keys that chain to the device's trust anchor: the TUF root chain, timestamp, snapshot, targets and delegations; or the root key's certificate of the vendor key and the vendor's signature over the manifest. A repository or mirror cannot make the device accept anything the producer did not sign.",
			Remediation: "Sign the release with keys the device trust anchor certifies (rotate roots with both old and new keys), and publish the signatures with the metadata."},
			transcript.ControlSignature),
		control(checks.Info{ID: "verifier/freshness", Version: 1, Step: 3, Basis: checks.BasisPractice,
			Title:       "Repository metadata is fresh (no freeze)",
			MapsTo:      []string{"enisa/step/3", "enisa/rec/metadata-freshness-validation", "cra/annex-i/part-ii/7"},
			Description: "No metadata or manifest the verifier relied on had expired at the reference time, and none claimed a time in the future, so a server replaying old metadata cannot hide newer security updates from the device.",
			Remediation: "Re-sign the timestamp (or manifest) before it expires; keep expiry periods short for online roles."},
			transcript.ControlFreshness),
		control(checks.Info{ID: "verifier/rollback", Version: 1, Step: 5, Basis: checks.BasisPractice,
			Title:       "No rollback to older metadata or firmware",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/version-control-and-anti-rollback", "enisa/rec/metadata-freshness-validation", "cra/annex-i/part-i/2/f", "etsi-en-304-621/req-updates-1"},
			Description: "Versions only went forward: TUF metadata versions were at least those trusted before (state kept between runs), the root chain had no gaps, and the manifest's rollback counter and version were above what the device has installed.",
			Remediation: "Raise the rollback counter and metadata versions with every release, and never republish older signed metadata."},
			transcript.ControlRollback),
		control(checks.Info{ID: "verifier/integrity", Version: 1, Step: 5, Basis: checks.BasisCRA,
			Title:       "Downloaded files match the signed lengths and hashes",
			MapsTo:      []string{"enisa/step/4", "enisa/step/5", "enisa/rec/integrity-enforcement", "enisa/rec/separation-of-trust-domains", "cra/annex-i/part-i/2/f"},
			Description: "Every downloaded metadata file and update artefact had exactly the length and hashes (SHA-256, SHA-512) that signed metadata promised, so a compromised mirror or CDN cannot substitute content.",
			Remediation: "Publish artefacts byte-identical to the ones described in the signed metadata; regenerate the metadata when an artefact changes."},
			transcript.ControlIntegrity),
		control(checks.Info{ID: "verifier/applicability", Version: 1, Step: 5, Basis: checks.BasisPractice,
			Title:       "The update applies to the device",
			MapsTo:      []string{"enisa/step/5", "enisa/rec/applicability-validation"},
			Description: "The signed manifest names the device's product and hardware, and the vendor key's certificate covers that product. TUF repositories carry no device identity: there the check is not applicable.",
			Remediation: "List the product and every supported hardware ID in the manifest, and certify the vendor key for the product."},
			transcript.ControlApplicability),
	}, append(bindingChecks(), uptaneChecks()...)...)
}

func control(i checks.Info, c transcript.Control) checks.Check {
	return checks.Func{I: i, F: func(_ context.Context, in *checks.Input) checks.Outcome {
		return judge(i, c, in)
	}}
}

func judge(i checks.Info, c transcript.Control, in *checks.Input) checks.Outcome {
	cnt, o := forProduct(in)
	if o != nil {
		return *o
	}
	out := checks.Outcome{Evidence: in.Refs(TranscriptPath)}
	// Several runs (one per profile): the worst one decides.
	var msgs []string
	status := checks.Status("")
	for _, t := range cnt.runs {
		o := judgeRun(i, c, t, len(cnt.runs) > 1)
		out.Findings = append(out.Findings, o.Findings...)
		msgs = append(msgs, o.Message)
		status = worse(status, o.Status)
	}
	out.Status = status
	out.Message = strings.Join(msgs, "; ") + cnt.note()
	return out
}

// worse combines runs: the status that needs attention first
// (checks.Status.Rank) wins; a is "" before the first run.
func worse(a, b checks.Status) checks.Status {
	if a == "" || b.Rank() < a.Rank() {
		return b
	}
	return a
}

// unique keeps finding subjects distinct within a run: a step ID that
// recurs (an Uptane run checks the transport of both of its repositories)
// gets #2, #3, ... in transcript order, which is stable.
func unique(seen map[string]int, sub string) string {
	seen[sub]++
	if n := seen[sub]; n > 1 {
		return fmt.Sprintf("%s#%d", sub, n)
	}
	return sub
}

func judgeRun(i checks.Info, c transcript.Control, t *transcript.Run, prefix bool) checks.Outcome {
	var out checks.Outcome
	// Results carry no host or port (they must be reproducible): the
	// repository's origin is in the transcript, which the evidence cites.
	where := fmt.Sprintf("%s repository", t.Profile)
	clean := func(s string) string { return stripOrigins(s, t) }
	steps := t.StepsFor(c)
	var failed, passed, skipped []transcript.Step
	seen := map[string]int{}
	for _, s := range steps {
		sub := subject(s)
		if prefix {
			sub = string(t.Profile) + ":" + sub
		}
		sub = unique(seen, sub)
		f := checks.Finding{ID: checks.FindingID(i.ID, sub), Subject: sub, Message: clean(s.Detail)}
		switch s.Verdict {
		case transcript.Fail:
			failed = append(failed, s)
			f.Status = checks.Fail
		case transcript.Pass:
			passed = append(passed, s)
			f.Status = checks.Pass
		case transcript.Skip:
			skipped = append(skipped, s)
			f.Status = checks.Missing
		default:
			continue
		}
		out.Findings = append(out.Findings, f)
	}
	switch {
	case len(failed) > 0:
		out.Status = checks.Fail
		out.Message = fmt.Sprintf("%s: %s failed: %s", where, failed[0].ID, clean(failed[0].Detail))
	case c == transcript.ControlApplicability && t.Profile == transcript.ProfileTUF:
		out.Status = checks.NotApplicable
		out.Message = where + ": TUF metadata carries no device identity; applicability is the installer's job in this profile"
	case len(skipped) > 0 && len(passed) == 0:
		out.Status = checks.Missing
		out.Message = fmt.Sprintf("%s: %s not checked: %s", where, skipped[0].ID, clean(skipped[0].Detail))
	case len(passed) == 0 && t.Failure != nil:
		out.Status = checks.Missing
		out.Message = fmt.Sprintf("%s: not reached, the verifier stopped at %s (%s)", where, t.Failure.Step, clean(t.Failure.Reason))
	case len(passed) == 0:
		out.Status = checks.Missing
		out.Message = where + ": the transcript records no step for this control"
	case len(skipped) > 0:
		out.Status = checks.Missing
		out.Message = fmt.Sprintf("%s: %d steps passed but %s was not checked: %s", where, len(passed), skipped[0].ID, clean(skipped[0].Detail))
	default:
		out.Status = checks.Pass
		out.Message = fmt.Sprintf("%s: %d steps passed (%s)", where, len(passed), summary(passed))
		if c == transcript.ControlRollback && !t.StateUsed && t.InstalledVersion == "" {
			out.Message += "; no state was kept between runs, so only rollback within this run was exercised"
		}
	}
	return out
}

// stripOrigins replaces scheme://host:port of the run's URLs with
// "<repository>".
func stripOrigins(s string, t *transcript.Run) string {
	for _, raw := range []string{t.Repository, t.MetadataURL, t.TargetsURL, t.ImageRepository} {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			continue
		}
		s = strings.ReplaceAll(s, u.Scheme+"://"+u.Host, "<repository>")
	}
	return s
}

func subject(s transcript.Step) string {
	sub := s.ID
	if s.Role != "" && !strings.HasPrefix(s.ID, s.Role+"/") {
		sub += "[" + s.Role + "]"
	}
	if s.Version > 0 {
		sub += fmt.Sprintf("@v%d", s.Version)
	}
	if s.Target != "" {
		sub += ":" + s.Target
	}
	return sub
}

// summary lists the distinct step IDs, in order.
func summary(steps []transcript.Step) string {
	var ids []string
	seen := map[string]bool{}
	for _, s := range steps {
		if !seen[s.ID] {
			seen[s.ID] = true
			ids = append(ids, s.ID)
		}
	}
	return strings.Join(ids, ", ")
}
