package attack

import (
	"slices"

	"github.com/craudit/craudit/checks/attack/toolattack"
)

// toolScenarios is a tool profile's catalogue (rauc, swupdate, mender,
// ostree), from the scenarios toolattack builds in the tool's own format.
func toolScenarios(t Profile) func() []Scenario {
	return func() []Scenario {
		var out []Scenario
		for _, s := range toolattack.Scenarios(t) {
			out = append(out, Scenario{ID: "attack/" + s.Name, Profile: t, Title: s.Title, Step: s.Step, Control: s.Control,
				Mirrors: s.Mirrors, Expect: s.Expect, Hang: s.Hang, build: s.Build})
		}
		return out
	}
}

// DefaultClient is the client a profile runs when none is given: the tool
// itself on PATH for the tool profiles (rauc, swupdate, mender, ostree),
// none for the others.
func DefaultClient(p Profile) string {
	if slices.Contains(toolattack.Tools, p) {
		return string(p)
	}
	return ""
}
