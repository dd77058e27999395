package attack

import (
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
