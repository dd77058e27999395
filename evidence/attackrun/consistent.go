package attackrun

import (
	"fmt"
	"strings"
)

// contradictions are phrases of the harness's details that only a failing
// verdict can carry.
var contradictions = []string{"accepted the hostile repository", "keeps attacker content", "still running at the deadline", "wrote outside its folders"}

// Inconsistencies lists what in a run cannot be true of results the
// harness wrote: a pass that contradicts its own exit code or detail, a
// repeated scenario, a summary that does not count the scenarios. A forged
// verdict shows up here even where a signature over it verifies.
func (r *Run) Inconsistencies() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range r.Scenarios {
		if seen[s.ID] {
			out = append(out, fmt.Sprintf("%s: listed twice", s.ID))
		}
		seen[s.ID] = true
		if s.Verdict != Pass {
			continue
		}
		switch {
		case s.Expect == Reject && s.ExitCode == 0:
			out = append(out, fmt.Sprintf("%s: pass, but the client exited 0 on a scenario it must reject", s.ID))
		case s.Expect == Accept && s.ExitCode != 0:
			out = append(out, fmt.Sprintf("%s: pass, but the client exited %d on a valid update", s.ID, s.ExitCode))
		}
		for _, c := range contradictions {
			if strings.Contains(s.Detail, c) {
				out = append(out, fmt.Sprintf("%s: pass, but the detail says %q", s.ID, c))
			}
		}
	}
	want := *r
	want.Summarise()
	if want.Summary != r.Summary {
		g, w := r.Summary, want.Summary
		out = append(out, fmt.Sprintf("summary counts %d scenarios (%d pass, %d vulnerable, %d functional failure, %d inconclusive), the scenarios are %d (%d, %d, %d, %d)",
			g.Total, g.Pass, g.Vulnerable, g.FunctionalFailure, g.Inconclusive, w.Total, w.Pass, w.Vulnerable, w.FunctionalFailure, w.Inconclusive))
	}
	return out
}
