package attack

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/checks/attack/plan"
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
	{ID: ProfileTUF, Driver: tufDriver{}, Scenarios: tufScenarios},
	{ID: ProfileManifest, Driver: manifestDriver{}, Resolvable: true, Scenarios: manifestScenarios},
	{ID: ProfileUptane, Driver: uptaneattack.Driver{}, Scenarios: uptaneScenarios},
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

// scenarioFolders is the common layout: trust beside the client's tree
// root/c/d, whose metadata, targets and work folders the client may write.
func scenarioFolders(root, meta, out string) plan.Folders {
	c := filepath.Join(root, "c")
	f := plan.Folders{Root: root, Client: c, Trust: filepath.Join(root, "trust"),
		Meta: filepath.Join(c, "d", meta), Out: filepath.Join(c, "d", out), Cwd: filepath.Join(c, "d", "work")}
	f.Installed = f.Out
	return f
}

// tufDriver speaks the tuf-conformance client protocol (craudit tuf-client).
type tufDriver struct{}

func (tufDriver) Servers() plan.Servers { return plan.PlainHTTP }

func (tufDriver) Folders(root string) plan.Folders {
	return scenarioFolders(root, "metadata", "targets")
}

func (tufDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	f := ph.Folders
	if ph.Baseline {
		rootFile := filepath.Join(f.Trust, "root.json")
		if err := os.WriteFile(rootFile, ph.Plan.InitRoot, 0o644); err != nil {
			return plan.Proc{}, err
		}
		res, err := r.Client(ctx, []string{"--metadata-dir", f.Meta, "init", rootFile}, f.Cwd, ph.At)
		if err != nil || !res.OK() {
			return res, err
		}
	}
	return r.Client(ctx, []string{"--metadata-dir", f.Meta, "--metadata-url", ph.URL + "/metadata",
		"--target-name", plan.TargetName, "--target-base-url", ph.URL + "/targets", "--target-dir", f.Out, "download"}, f.Cwd, ph.At)
}

// manifestDriver speaks craudit manifest-client's protocol: the device's
// release is installed into out/slot.
type manifestDriver struct{}

func (manifestDriver) Servers() plan.Servers { return plan.TLSSet }

func (manifestDriver) Folders(root string) plan.Folders {
	f := scenarioFolders(root, "state", "out")
	f.Installed = filepath.Join(f.Out, "slot")
	return f
}

func (manifestDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	f := ph.Folders
	trust := filepath.Join(f.Trust, "root.pub")
	installed := "1.0.0"
	if ph.Baseline {
		installed = "0.9.0"
		if err := os.WriteFile(trust, ph.Plan.InitRoot, 0o644); err != nil {
			return plan.Proc{}, err
		}
		dev, _ := json.Marshal(Device{Product: plan.DeviceProduct, HardwareID: plan.DeviceHardware})
		if err := os.WriteFile(filepath.Join(f.Meta, DeviceFile), append(dev, '\n'), 0o644); err != nil {
			return plan.Proc{}, err
		}
	}
	args := []string{"--trust", trust, "--ca", ph.CA, "--state", f.Meta, "--repo", ph.URL,
		"--installed-version", installed, "--out", f.Out}
	if ph.Resolve != "" {
		args = append(args, "--resolve", ph.Resolve)
	}
	return r.Client(ctx, append(args, "update"), f.Cwd, ph.At)
}

// DeviceFile in the manifest client's --state folder names the device the
// client runs on (provisioned by the harness before the first run).
const DeviceFile = "device.json"

// Device is the content of DeviceFile.
type Device struct {
	Product    string `json:"product"`
	HardwareID string `json:"hardware_id"`
}
