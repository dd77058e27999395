package attack

import (
	"github.com/craudit/craudit/checks/attack/layout"
	"github.com/craudit/craudit/checks/attack/manifestattack"
	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack"
	"github.com/craudit/craudit/checks/attack/tufattack"
	"github.com/craudit/craudit/checks/attack/uptaneattack"
)

// profile is one attack profile: how its client is run and its scenarios.
type profile struct {
	ID     Profile
	Driver plan.Driver
	// Resolvable: the profile's protocol can pass a --resolve rule to the
	// client (Options.Resolve).
	Resolvable bool
	Scenarios  func() []Scenario
}

// profiles is the one literal list of attack profiles, in the order
// scenarios are listed and runs are made and kept.
var profiles = []profile{
	{ID: ProfileTUF, Driver: tufattack.Driver{}, Scenarios: tufScenarios},
	{ID: ProfileManifest, Driver: manifestattack.Driver{}, Resolvable: true, Scenarios: manifestScenarios},
	{ID: ProfileUptane, Driver: uptaneattack.Driver{}, Scenarios: uptaneScenarios},
	{ID: ProfileRAUC, Driver: toolattack.Driver(ProfileRAUC), Scenarios: toolScenarios(ProfileRAUC)},
	{ID: ProfileSWUpdate, Driver: toolattack.Driver(ProfileSWUpdate), Scenarios: toolScenarios(ProfileSWUpdate)},
	{ID: ProfileMender, Driver: toolattack.Driver(ProfileMender), Scenarios: toolScenarios(ProfileMender)},
	{ID: ProfileOSTree, Driver: toolattack.Driver(ProfileOSTree), Scenarios: toolScenarios(ProfileOSTree)},
}

// Profiles lists the profiles the harness can run, in order.
var Profiles = func() []Profile {
	var out []Profile
	for _, p := range profiles {
		out = append(out, p.ID)
	}
	return out
}()

func lookupProfile(id Profile) (profile, bool) {
	for _, p := range profiles {
		if p.ID == id {
			return p, true
		}
	}
	return profile{}, false
}

// layoutDriver is a driver whose repository and client a layout file can
// change (--layout).
type layoutDriver interface {
	WithLayout(*layout.Layout) plan.Driver
}

// DeviceFile in the manifest client's --state folder names the device the
// client runs on (provisioned by the harness before the first run).
const DeviceFile = manifestattack.DeviceFile

// Device is the content of DeviceFile.
type Device = manifestattack.Device
