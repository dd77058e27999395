package dossier

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
)

func TestCompare(t *testing.T) {
	rep := func(outcome string, st checks.Status, fs ...checks.Finding) *checks.Report {
		r := &checks.Report{Outcome: outcome, Results: []checks.Result{
			{Check: "a/one", Version: 1, Status: checks.Pass},
			{Check: "b/two", Version: 1, Status: st, Message: "now", Findings: fs},
		}}
		for _, x := range r.Results {
			r.Summary.Add(x.Status)
		}
		return r
	}
	f := func(id string, st checks.Status) checks.Finding { return checks.Finding{ID: id, Status: st} }
	base := rep("failed", checks.Fail, f("b/two#x", checks.Fail), f("b/two#y", checks.Pass))
	if d := Compare(base, rep("failed", checks.Fail, f("b/two#x", checks.Fail), f("b/two#y", checks.Pass))); len(d) != 0 {
		t.Errorf("the same judgement differs: %v", d)
	}
	// Messages are wording: not compared.
	msg := rep("failed", checks.Fail, f("b/two#x", checks.Fail), f("b/two#y", checks.Pass))
	msg.Results[1].Message = "other words"
	if d := Compare(base, msg); len(d) != 0 {
		t.Errorf("a changed message counts as a difference: %v", d)
	}
	forged := rep("passed", checks.Pass, f("b/two#x", checks.Pass), f("b/two#z", checks.Pass))
	got := strings.Join(Compare(forged, base), "\n")
	for _, want := range []string{
		"verdict: results.json says passed, re-judging gives failed",
		"summary:",
		"b/two: results.json says pass, re-judging gives fail (now)",
		"b/two: finding b/two#x: results.json says pass, re-judging gives fail",
		"b/two: finding b/two#y (pass) is not in results.json",
		"b/two: finding b/two#z (pass) in results.json is not found now",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("differences lack %q:\n%s", want, got)
		}
	}
	extra := rep("failed", checks.Fail)
	extra.Results = append(extra.Results, checks.Result{Check: "c/new", Version: 1, Status: checks.Pass})
	if got := strings.Join(Compare(base, extra), "\n"); !strings.Contains(got, "c/new: judged now (pass) but not in results.json") {
		t.Errorf("a new check: %s", got)
	}
}
