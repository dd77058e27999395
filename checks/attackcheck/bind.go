package attackcheck

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/product"
)

// counted is the attack results as the product's evidence: the authentic,
// consistent runs of the updater product.yaml declares, and why every
// other run does not count.
type counted struct {
	runs     []*attackrun.Run
	excluded []string
	selfTest []string
}

// SelfTestLabel is how results and renderings name a run of craudit's own
// reference clients.
const SelfTestLabel = "reference-client self-test"

// forProduct reads the attack results and keeps the runs that count for the
// product. When none can count it returns the outcome every attack check
// reports instead: never a pass.
func forProduct(in *checks.Input) (*counted, *checks.Outcome) {
	f, err := in.LiveAttacks()
	if o := checks.LiveUnusable(err, "no attack results: run `craudit attack --client 'UPDATER' --profile PROFILE --signing-key KEY --key-cert CERT --out attack-results.intoto.json` against the device's updater and pass the file with --attack-results"); o != nil {
		return nil, o
	}
	ev := in.Refs(ResultsPath)
	if !f.Authentic() {
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: f.Problem.Error()}
	}
	if bad := inconsistencies(f.Runs); len(bad) > 0 {
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: "the attack results contradict themselves: " + strings.Join(bad, "; ")}
	}
	want, o := declaredUpdater(in)
	if o != nil {
		o.Evidence = ev
		return nil, o
	}
	c := &counted{}
	for _, r := range f.Runs {
		switch why := mismatch(r, want); {
		case r.SelfTest:
			c.selfTest = append(c.selfTest, fmt.Sprintf("the %s run is a %s of craudit's own client", r.Profile, SelfTestLabel))
		case why != "":
			c.excluded = append(c.excluded, why)
		default:
			c.runs = append(c.runs, r)
		}
	}
	if len(c.runs) == 0 {
		if len(c.excluded) == 0 {
			return nil, &checks.Outcome{Status: checks.Missing, Evidence: ev, Message: "no attack results for the product's updater " + describe(want.Name, want.SHA256) +
				": " + strings.Join(c.selfTest, ", ") + ", which tests the harness, not the product"}
		}
		return nil, &checks.Outcome{Status: checks.Fail, Evidence: ev, Message: "no attack results for the product's updater: " + strings.Join(append(c.excluded, c.selfTest...), "; ")}
	}
	return c, nil
}

// note is what a result adds about runs that did not count.
func (c *counted) note() string {
	rest := append(append([]string{}, c.excluded...), c.selfTest...)
	if len(rest) == 0 {
		return ""
	}
	return "; not counted: " + strings.Join(rest, "; ")
}

// declaredUpdater is product.yaml's updater, or the outcome when there is
// none to compare with (fail closed).
func declaredUpdater(in *checks.Input) (*product.Updater, *checks.Outcome) {
	switch {
	case in.Product == nil:
		return nil, &checks.Outcome{Status: checks.Fail, Message: "product.yaml is missing or unreadable: no attack results can be tied to the product's updater"}
	case in.Product.Updates.Updater == nil || in.Product.Updates.Updater.SHA256 == "":
		return nil, &checks.Outcome{Status: checks.Fail, Message: "product.yaml declares no updater (updates.updater.sha256): no attack results can count for the product"}
	}
	return in.Product.Updates.Updater, nil
}

// mismatch says why run r is not of updater want ("" when it is).
func mismatch(r *attackrun.Run, want *product.Updater) string {
	u := r.Updater
	if u == nil || u.SHA256 == "" {
		return fmt.Sprintf("the %s run recorded no digest of the updater it tested; product.yaml declares %s", r.Profile, describe(want.Name, want.SHA256))
	}
	if !strings.EqualFold(u.SHA256, want.SHA256) {
		return fmt.Sprintf("the %s run tested %s; product.yaml declares %s", r.Profile, describe(u.Name, u.SHA256), describe(want.Name, want.SHA256))
	}
	return ""
}

func describe(name, sha string) string {
	if len(sha) > 16 {
		sha = sha[:16] + "…"
	}
	if name == "" {
		name = "an updater"
	}
	return fmt.Sprintf("%s (sha256 %s)", name, sha)
}

func inconsistencies(runs []*attackrun.Run) []string {
	var out []string
	for _, r := range runs {
		for _, s := range r.Inconsistencies() {
			out = append(out, fmt.Sprintf("%s run: %s", r.Profile, s))
		}
	}
	return out
}

// bindingChecks judge the results themselves: authentic, consistent, and of
// the product's updater.
func bindingChecks() []checks.Check {
	signed := checks.Info{ID: "attack/signed-evidence", Version: 1, Step: 5, Basis: checks.BasisCRA,
		Title:       "The attack results are signed by a key the root key certifies",
		MapsTo:      []string{annexVII6, "enisa/rec/provenance-and-traceability"},
		Description: "Attack results count only as an in-toto attestation (DSSE envelope) signed by the root key, by the bundle's signer, or by a key the root key certifies through the certificate carried in the envelope (valid at the reference time, scoped to the product). Plain JSON results can be edited by anyone, and an attestation with a changed byte or an unknown signer proves nothing: the attack checks then fail.",
		Remediation: "Run `craudit attack --signing-key KEY --key-cert CERT --out attack-results.intoto.json` and pass that file with --attack-results."}
	consistent := checks.Info{ID: "attack/consistent-results", Version: 1, Step: 5, Basis: checks.BasisCRA,
		Title:       "The attack verdicts agree with what the harness observed",
		MapsTo:      []string{annexVII6, "enisa/rec/safe-update-behaviour-testing"},
		Description: "Every verdict must agree with the rest of its record: a scenario the client must reject cannot pass when the client exited 0, a valid update cannot pass when the client refused it, a pass cannot carry a detail that says the client accepted the attack, no scenario appears twice, and the summary counts the scenarios. A forged verdict is caught here even when the signature over it is valid.",
		Remediation: "Re-run `craudit attack` and sign its output unchanged; never edit results."}
	bound := checks.Info{ID: "attack/product-updater", Version: 1, Step: 5, Basis: checks.BasisCRA,
		Title:       "The attack results are of the updater the product ships",
		MapsTo:      []string{annexVII6, "enisa/rec/safe-update-behaviour-testing"},
		Description: "Attack results count for the product only when the updater under test has the SHA-256 that product.yaml declares (updates.updater.sha256). Runs of craudit's own reference clients are a reference-client self-test of the harness and never count for the product.",
		Remediation: "Run `craudit attack --client` with the device's own updater, and declare its name, version and SHA-256 in product.yaml under updates.updater."}
	return []checks.Check{
		checks.Func{I: signed, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judgeSigned(in) }},
		checks.Func{I: consistent, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judgeConsistent(consistent, in) }},
		checks.Func{I: bound, F: func(_ context.Context, in *checks.Input) checks.Outcome { return judgeBound(bound, in) }},
	}
}

func judgeSigned(in *checks.Input) checks.Outcome {
	f, err := in.LiveAttacks()
	if o := checks.LiveUnusable(err, "no attack results"); o != nil {
		return *o
	}
	return f.SignedOutcome(in.Refs(ResultsPath))
}

func judgeConsistent(i checks.Info, in *checks.Input) checks.Outcome {
	f, err := in.LiveAttacks()
	if o := checks.LiveUnusable(err, "no attack results"); o != nil {
		return *o
	}
	out := checks.Outcome{Evidence: in.Refs(ResultsPath), Status: checks.Pass}
	n := 0
	subs := runSubjects(f.Runs)
	for k, r := range f.Runs {
		n += len(r.Scenarios)
		for _, s := range r.Inconsistencies() {
			sub := subs[k] + ":" + strings.TrimPrefix(strings.SplitN(s, ":", 2)[0], "attack/")
			out.Findings = append(out.Findings, checks.Finding{ID: checks.FindingID(i.ID, sub), Subject: sub, Status: checks.Fail, Message: s})
		}
	}
	if bad := inconsistencies(f.Runs); len(bad) > 0 {
		out.Status, out.Message = checks.Fail, fmt.Sprintf("%d contradictions: %s", len(bad), strings.Join(bad, "; "))
		return out
	}
	out.Message = fmt.Sprintf("all %d verdicts agree with their exit codes and details, and the summaries count them", n)
	return out
}

func judgeBound(i checks.Info, in *checks.Input) checks.Outcome {
	c, o := forProduct(in)
	f, _ := in.LiveAttacks()
	out := checks.Outcome{Evidence: in.Refs(ResultsPath)}
	if f != nil && f.Authentic() {
		want, _ := declaredUpdater(in)
		subs := runSubjects(f.Runs)
		for k, r := range f.Runs {
			sub := subs[k]
			fd := checks.Finding{ID: checks.FindingID(i.ID, sub), Subject: sub, Status: checks.Pass}
			switch {
			case r.SelfTest:
				fd.Status, fd.Message = checks.NotApplicable, SelfTestLabel+": craudit's own client, not the product's updater"
			case want == nil:
				fd.Status, fd.Message = checks.Fail, "product.yaml declares no updater to compare with"
			case mismatch(r, want) != "":
				fd.Status, fd.Message = checks.Fail, mismatch(r, want)
			default:
				fd.Message = "tested " + describe(r.Updater.Name, r.Updater.SHA256) + ", the updater product.yaml declares"
			}
			out.Findings = append(out.Findings, fd)
		}
	}
	if o != nil {
		out.Status, out.Message = o.Status, o.Message
		return out
	}
	var names []string
	for _, r := range c.runs {
		names = append(names, fmt.Sprintf("the %s run tested %s", r.Profile, describe(r.Updater.Name, r.Updater.SHA256)))
	}
	out.Status, out.Message = checks.Pass, strings.Join(names, ", ")+", the updater product.yaml declares"+c.note()
	return out
}

// runSubjects names each run for finding IDs: its profile, "/self-test" for
// craudit's own clients, and "/2", "/3"... when a name repeats, so no two
// runs share a finding ID.
func runSubjects(runs []*attackrun.Run) []string {
	out := make([]string, len(runs))
	seen := map[string]int{}
	for k, r := range runs {
		sub := string(r.Profile)
		if r.SelfTest {
			sub += "/self-test"
		}
		seen[sub]++
		if n := seen[sub]; n > 1 {
			sub += "/" + strconv.Itoa(n)
		}
		out[k] = sub
	}
	return out
}
