package attackcheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/checks/attackcheck"
	"github.com/craudit/craudit/evidence/attackrun"
)

func results(p attack.Profile, verdicts map[string]attackrun.Verdict) *attackrun.Run {
	r := &attackrun.Run{Schema: attackrun.Schema, Profile: p}
	for _, s := range attack.ForProfile(p) {
		v, ok := verdicts[s.ID]
		if !ok {
			v = attackrun.Pass
		}
		r.Scenarios = append(r.Scenarios, attackrun.Result{ID: s.ID, Title: s.Title, Step: s.Step, Control: s.Control, Expect: s.Expect, Verdict: v, Detail: "detail"})
	}
	r.Summarise()
	return r
}

func run(live map[string][]byte) map[string]checks.Outcome {
	in := &checks.Input{Live: live, Policy: checks.DefaultPolicy()}
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
	good := results(attack.ProfileTUF, nil).JSON()
	frozen := results(attack.ProfileTUF, map[string]attackrun.Verdict{"attack/tuf-freeze-timestamp": attackrun.Vulnerable}).JSON()
	refused := results(attack.ProfileManifest, map[string]attackrun.Verdict{"attack/manifest-valid-update": attackrun.FunctionalFailure}).JSON()
	killed := results(attack.ProfileManifest, map[string]attackrun.Verdict{"attack/manifest-slow-retrieval": attackrun.Inconclusive}).JSON()
	both := attackrun.NewSet(results(attack.ProfileTUF, nil), results(attack.ProfileManifest, map[string]attackrun.Verdict{"attack/manifest-slow-retrieval": attackrun.Vulnerable})).JSON()
	for _, c := range []struct {
		name string
		live map[string][]byte
		want map[string]checks.Status
	}{
		{"no results", map[string][]byte{}, all(checks.Missing)},
		{"unparsable", map[string][]byte{attackcheck.ResultsPath: []byte("{")}, all(checks.Error)},
		{"other schema", map[string][]byte{attackcheck.ResultsPath: []byte(`{"schema":"x"}`)}, all(checks.Error)},
		// What the gate refuses, the report refuses too: both read attackrun.Parse.
		{"a run without schema", map[string][]byte{attackcheck.ResultsPath: []byte(`{"profile":"tuf","scenarios":[]}`)}, all(checks.Error)},
		{"empty set", map[string][]byte{attackcheck.ResultsPath: attackrun.NewSet().JSON()}, all(checks.Error)},
		{"old bare list", map[string][]byte{attackcheck.ResultsPath: []byte("[" + string(good) + "]")}, all(checks.Pass)},
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
				if o.Status == checks.Fail && !strings.Contains(o.Message, "failed") {
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
	b := attackrun.NewSet(results(attack.ProfileTUF, nil), results(attack.ProfileManifest, nil)).JSON()
	n := 0
	for _, o := range run(map[string][]byte{attackcheck.ResultsPath: b}) {
		n += len(o.Findings)
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
