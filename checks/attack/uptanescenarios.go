package attack

import (
	"github.com/craudit/craudit/checks/attack/uptaneattack"
	"github.com/craudit/craudit/evidence/attackrun"
)

// ProfileUptane drives an Uptane Primary (the uptane-client protocol).
const ProfileUptane = attackrun.ProfileUptane

// uptaneScenarios is the Uptane profile's catalogue (uptaneattack.Catalogue).
func uptaneScenarios() []Scenario {
	var out []Scenario
	for _, e := range uptaneattack.Catalogue() {
		s := Scenario{ID: "attack/uptane-" + e.Name, Profile: ProfileUptane, Title: e.Title, Step: e.Step, Control: e.Control,
			Mirrors: e.Mirrors, Expect: attackrun.Reject, Hang: e.Hang, build: e.Build}
		if e.Accept {
			s.Expect = attackrun.Accept
		}
		out = append(out, s)
	}
	return out
}
