package attackcheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/checks/attackcheck"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

func results(p attack.Profile, verdicts map[string]attackrun.Verdict) *attackrun.Run {
	r := &attackrun.Run{Schema: attackrun.Schema, Profile: p}
	for _, s := range attack.ForProfile(p) {
		v, ok := verdicts[s.ID]
		if !ok {
			v = attackrun.Pass
		}
		exit := 0
		if (s.Expect == attackrun.Reject && v == attackrun.Pass) || (s.Expect == attackrun.Accept && v == attackrun.FunctionalFailure) {
			exit = 1 // what the harness records for a refusal
		}
		r.Scenarios = append(r.Scenarios, attackrun.Result{ID: s.ID, Title: s.Title, Step: s.Step, Control: s.Control, Expect: s.Expect, Verdict: v, ExitCode: exit, Detail: "detail"})
	}
	r.Client = "./thermo-update.sh"
	r.Updater = &attackrun.Updater{Name: "thermo-update.sh", Path: "thermo-update.sh", SHA256: updaterSHA}
	r.Summarise()
	return r
}

// updaterSHA is the digest of the updater the test product declares.
var updaterSHA = strings.Repeat("5e", 32)

var root, _ = keys.Generate(keys.Ed25519)

// signed is doc as an attestation by the root key.
func signed(t testing.TB, doc []byte) []byte {
	t.Helper()
	b, err := attackrun.Sign(doc, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testProduct declares the updater of results().
func testProduct() *product.Product {
	p := &product.Product{}
	p.Product.ID = "thermostat"
	p.Updates.Updater = &product.Updater{Name: "thermo-update.sh", Version: "1.0", SHA256: updaterSHA}
	return p
}

func run(live map[string][]byte) map[string]checks.Outcome {
	return runWith(live, testProduct())
}

func runWith(live map[string][]byte, p *product.Product) map[string]checks.Outcome {
	in := &checks.Input{Live: live, Policy: checks.DefaultPolicy(), Root: root.Public(), Product: p}
	out := map[string]checks.Outcome{}
	for _, c := range attackcheck.Checks() {
		out[c.Info().ID] = c.Run(context.Background(), in)
	}
	return out
}

func TestChecks(t *testing.T) {
	all := func(s checks.Status) map[string]checks.Status {
		return map[string]checks.Status{"attack/check-for-updates": s, "attack/retrieve": s, "attack/verify": s}
	}
	good := signed(t, results(attack.ProfileTUF, nil).JSON())
	frozen := signed(t, results(attack.ProfileTUF, map[string]attackrun.Verdict{"attack/tuf-freeze-timestamp": attackrun.Vulnerable}).JSON())
	refused := signed(t, results(attack.ProfileManifest, map[string]attackrun.Verdict{"attack/manifest-valid-update": attackrun.FunctionalFailure}).JSON())
	killed := signed(t, results(attack.ProfileManifest, map[string]attackrun.Verdict{"attack/manifest-slow-retrieval": attackrun.Inconclusive}).JSON())
	both := signed(t, attackrun.NewSet(results(attack.ProfileTUF, nil), results(attack.ProfileManifest, map[string]attackrun.Verdict{"attack/manifest-slow-retrieval": attackrun.Vulnerable})).JSON())
	for _, c := range []struct {
		name string
		live map[string][]byte
		want map[string]checks.Status
	}{
		{"no results", map[string][]byte{}, all(checks.Missing)},
		// Refused by the format: broken evidence is a finding (fail), as a
		// changed byte must be.
		{"unparsable", map[string][]byte{attackcheck.ResultsPath: []byte("{")}, all(checks.Fail)},
		{"other schema", map[string][]byte{attackcheck.ResultsPath: []byte(`{"schema":"x"}`)}, all(checks.Fail)},
		// What the gate refuses, the report refuses too: both read attackrun.Parse.
		{"a run without schema", map[string][]byte{attackcheck.ResultsPath: []byte(`{"profile":"tuf","scenarios":[]}`)}, all(checks.Fail)},
		{"empty set", map[string][]byte{attackcheck.ResultsPath: attackrun.NewSet().JSON()}, all(checks.Fail)},
		{"old bare list", map[string][]byte{attackcheck.ResultsPath: signed(t, []byte("["+string(results(attack.ProfileTUF, nil).JSON())+"]"))}, all(checks.Pass)},
		{"all protected", map[string][]byte{attackcheck.ResultsPath: good}, all(checks.Pass)},
		{"freeze accepted", map[string][]byte{attackcheck.ResultsPath: frozen},
			map[string]checks.Status{"attack/check-for-updates": checks.Fail, "attack/retrieve": checks.Pass, "attack/verify": checks.Pass}},
		{"valid update refused", map[string][]byte{attackcheck.ResultsPath: refused},
			map[string]checks.Status{"attack/check-for-updates": checks.Pass, "attack/retrieve": checks.Pass, "attack/verify": checks.Fail}},
		{"inconclusive", map[string][]byte{attackcheck.ResultsPath: killed},
			map[string]checks.Status{"attack/check-for-updates": checks.Pass, "attack/retrieve": checks.Error, "attack/verify": checks.Pass}},
		{"two profiles", map[string][]byte{attackcheck.ResultsPath: both},
			map[string]checks.Status{"attack/check-for-updates": checks.Pass, "attack/retrieve": checks.Fail, "attack/verify": checks.Pass}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(c.live)
			for id, want := range c.want {
				o := got[id]
				if o.Status != want {
					t.Errorf("%s: %s (%s), want %s", id, o.Status, o.Message, want)
				}
				if o.Status == checks.Fail && strings.HasPrefix(c.name, "all") && !strings.Contains(o.Message, "failed") {
					t.Errorf("%s: message %q does not say what failed", id, o.Message)
				}
				if o.Status == checks.Missing && len(c.live) == 0 && !strings.Contains(o.Message, "craudit attack") {
					t.Errorf("%s: missing without saying how to produce results: %q", id, o.Message)
				}
				for _, f := range o.Findings {
					if !strings.HasPrefix(f.ID, id+"#") {
						t.Errorf("finding %s not under %s", f.ID, id)
					}
				}
			}
		})
	}
}

// Every scenario is judged by exactly one step check.
func TestEveryScenarioJudged(t *testing.T) {
	var runs []*attackrun.Run
	for _, p := range attack.Profiles {
		runs = append(runs, results(p, nil))
	}
	b := signed(t, attackrun.NewSet(runs...).JSON())
	n := 0
	for id, o := range run(map[string][]byte{attackcheck.ResultsPath: b}) {
		if id == "attack/check-for-updates" || id == "attack/retrieve" || id == "attack/verify" {
			n += len(o.Findings)
		}
	}
	if want := len(attack.Catalogue()); n != want {
		t.Errorf("%d findings for %d scenarios", n, want)
	}
	for _, c := range attackcheck.Checks() {
		i := c.Info()
		if i.Step < 3 || i.Step > 5 || len(i.MapsTo) == 0 || i.Description == "" || i.Remediation == "" || !strings.HasPrefix(i.ID, "attack/") {
			t.Errorf("%s: incomplete info", i.ID)
		}
	}
}
