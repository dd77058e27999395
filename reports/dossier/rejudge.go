package dossier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/judge"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
)

// Enclosed judgement inputs beside the bundle copy.
const (
	// PolicyFile is the policy the dossier was judged with, as given (or
	// DefaultPolicyYAML when none was).
	PolicyFile = "evidence/policy.yaml"
	// ResultsFile is the judgement the dossier records.
	ResultsFile = "results.json"
	// DefaultPolicyYAML stands for "no --policy given".
	DefaultPolicyYAML = "# No --policy was given: craudit's default policy (every check required, fail on high).\nfail_on: high\n"
)

// VerifyOptions say what VerifyWith checks. The zero value checks integrity
// only.
type VerifyOptions struct {
	// Trust authenticates the signer: the signer's key, or the root key
	// that certified it through the enclosed signer.cert.json.
	Trust *keys.PublicKey
	// Rejudge, when set, judges the enclosed bundle and live evidence again
	// with the enclosed policy at the recorded reference time, against
	// Trust as the root key, and reports every difference from
	// results.json as a problem.
	Rejudge *Rejudge
}

// Rejudge is what judging again needs besides the dossier.
type Rejudge struct {
	Context    context.Context
	Checks     []checks.Check
	Tool       checks.Tool
	Catalogues []checks.CatalogueRef
}

// maxDifferences bounds how many differences a verification lists.
const maxDifferences = 20

func rejudge(v *Verification, dir string, o VerifyOptions) {
	v.Rejudged = true
	fail := func(format string, a ...any) {
		v.add("re-judging: "+format, a...)
		v.Judgement = "not re-judged"
	}
	// The root key: re-judging verifies the bundle and the live evidence
	// against it, as the dossier command did.
	if pub, err := readBounded(filepath.Join(dir, SignerPub), 64<<10); err == nil {
		if signer, err := keys.ParsePublicPEM(pub); err == nil && signer.Equal(o.Trust) {
			if cert, err := readBounded(filepath.Join(dir, SignerCert), 1<<20); err == nil {
				if c, _, err := keys.ParseCertificate(cert); err == nil && c.Issuer.KeyID != o.Trust.ID() {
					fail("--trust is the signer's own key; judging again needs the root key that certified it (key %s)", short(c.Issuer.KeyID))
					return
				}
			}
		}
	}
	read := func(rel string, limit int64) ([]byte, error) {
		want, listed := v.sums[rel]
		if !listed {
			return nil, nil
		}
		b, err := readBounded(filepath.Join(dir, filepath.FromSlash(rel)), limit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel, err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			return nil, fmt.Errorf("%s: changed while it was read", rel)
		}
		return b, nil
	}
	rb, err := read(ResultsFile, 64<<20)
	if err != nil || rb == nil {
		fail("%s is not there to compare with (%v)", ResultsFile, err)
		return
	}
	var recorded checks.Report
	if err := json.Unmarshal(rb, &recorded); err != nil || recorded.ReferenceTime.IsZero() {
		fail("%s: no judgement with a reference time (%v)", ResultsFile, err)
		return
	}
	pb, err := read(PolicyFile, 1<<20)
	if err != nil || pb == nil {
		fail("the policy the dossier was judged with is not enclosed (%s): %v", PolicyFile, err)
		return
	}
	pol, err := checks.ParsePolicy(pb)
	if err != nil {
		fail("%s: %v", PolicyFile, err)
		return
	}
	live := map[string][]byte{}
	for _, p := range []string{bundle.TranscriptFile, bundle.AttackFile} {
		rel := LiveDir + strings.TrimPrefix(p, "live/")
		b, err := read(rel, 64<<20)
		if err != nil {
			fail("%v", err)
			return
		}
		if b != nil {
			live[p] = b
		}
	}
	ctx := o.Rejudge.Context
	if ctx == nil {
		ctx = context.Background()
	}
	in, rep, err := judge.Judge(ctx, judge.Options{BundleDir: filepath.Join(dir, filepath.FromSlash(BundleDir)), Root: o.Trust,
		At: recorded.ReferenceTime, TimeSource: recorded.TimeSource, Policy: pol, Live: live,
		Checks: o.Rejudge.Checks, Tool: o.Rejudge.Tool, Catalogues: o.Rejudge.Catalogues})
	if err != nil {
		fail("%v", err)
		return
	}
	diffs := Compare(&recorded, relocate(rep, in))
	at := recorded.ReferenceTime.UTC().Format("2006-01-02T15:04:05Z")
	if len(diffs) == 0 {
		v.Judgement = fmt.Sprintf("re-judged at %s with the enclosed policy: verdict %s and all %d results agree with %s", at, rep.Outcome, len(rep.Results), ResultsFile)
		return
	}
	v.Judgement = fmt.Sprintf("re-judged at %s with the enclosed policy: %d differences from %s", at, len(diffs), ResultsFile)
	if len(diffs) > maxDifferences {
		diffs = append(diffs[:maxDifferences], fmt.Sprintf("and %d more", len(diffs)-maxDifferences))
	}
	for _, d := range diffs {
		v.add("re-judging differs: %s", d)
	}
}

// Compare lists how judgement now differs from recorded: the verdict, the
// summary, and per check its presence, version, status and the status of
// each finding. Messages are wording, not verdict, and are not compared.
func Compare(recorded, now *checks.Report) []string {
	var out []string
	if recorded.Outcome != now.Outcome {
		out = append(out, fmt.Sprintf("verdict: %s says %s, re-judging gives %s", ResultsFile, recorded.Outcome, now.Outcome))
	}
	if recorded.Summary != now.Summary {
		out = append(out, fmt.Sprintf("summary: %s counts %+v, re-judging %+v", ResultsFile, recorded.Summary, now.Summary))
	}
	was := map[string]checks.Result{}
	for _, r := range recorded.Results {
		was[r.Check] = r
	}
	seen := map[string]bool{}
	for _, r := range now.Results {
		seen[r.Check] = true
		old, ok := was[r.Check]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: judged now (%s) but not in %s", r.Check, r.Status, ResultsFile))
			continue
		case old.Version != r.Version:
			out = append(out, fmt.Sprintf("%s: version %d in %s, %d now", r.Check, old.Version, ResultsFile, r.Version))
		case old.Status != r.Status:
			out = append(out, fmt.Sprintf("%s: %s says %s, re-judging gives %s (%s)", r.Check, ResultsFile, old.Status, r.Status, r.Message))
		}
		out = append(out, compareFindings(r.Check, old.Findings, r.Findings)...)
	}
	for _, r := range recorded.Results {
		if !seen[r.Check] {
			out = append(out, fmt.Sprintf("%s: in %s (%s) but not judged now", r.Check, ResultsFile, r.Status))
		}
	}
	return out
}

func compareFindings(check string, was, now []checks.Finding) []string {
	var out []string
	old := map[string]checks.Status{}
	for _, f := range was {
		old[f.ID] = f.Status
	}
	for _, f := range now {
		st, ok := old[f.ID]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: finding %s (%s) is not in %s", check, f.ID, f.Status, ResultsFile))
		case st != f.Status:
			out = append(out, fmt.Sprintf("%s: finding %s: %s says %s, re-judging gives %s", check, f.ID, ResultsFile, st, f.Status))
		}
		delete(old, f.ID)
	}
	for _, f := range was {
		if st, ok := old[f.ID]; ok {
			out = append(out, fmt.Sprintf("%s: finding %s (%s) in %s is not found now", check, f.ID, st, ResultsFile))
			delete(old, f.ID)
		}
	}
	return out
}
