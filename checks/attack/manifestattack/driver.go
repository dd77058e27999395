package manifestattack

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/checks/attack/layout"
	"github.com/craudit/craudit/checks/attack/plan"
)

// Driver speaks craudit manifest-client's protocol: the device's
// release is installed into out/slot. With a layout, the client is given
// the layout's arguments and the release must land in its folder.
type Driver struct{ layout *layout.Layout }

// Servers: HTTPS main and mirror, plain HTTP, an impostor.
func (Driver) Servers() plan.Servers { return plan.TLSSet }

// WithLayout makes the driver run the client as l says.
func (d Driver) WithLayout(l *layout.Layout) plan.Driver { d.layout = l; return d }

// Folders: state and out under the client's tree; the release lands in
// the layout's folder (default out/slot).
func (d Driver) Folders(root string) plan.Folders {
	f := plan.StandardFolders(root, "state", "out")
	f.Installed = filepath.Join(f.Out, filepath.FromSlash(d.layout.InstalledDir()))
	return f
}

// Phase provisions trust and the device (baseline) and runs one update.
func (d Driver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
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
	args, err := d.layout.Args(layout.Values{Trust: trust, CA: ph.CA, State: f.Meta, Repo: ph.URL, InstalledVersion: installed,
		Out: f.Out, Product: plan.DeviceProduct, HardwareID: plan.DeviceHardware, Resolve: ph.Resolve})
	if err != nil {
		return plan.Proc{}, err
	}
	if args == nil {
		args = []string{"--trust", trust, "--ca", ph.CA, "--state", f.Meta, "--repo", ph.URL,
			"--installed-version", installed, "--out", f.Out}
		if ph.Resolve != "" {
			args = append(args, "--resolve", ph.Resolve)
		}
		args = append(args, "update")
	}
	return r.Client(ctx, args, f.Cwd, ph.At)
}

// DeviceFile in the manifest client's --state folder names the device the
// client runs on (provisioned by the harness before the first run).
const DeviceFile = "device.json"

// Device is the content of DeviceFile.
type Device struct {
	Product    string `json:"product"`
	HardwareID string `json:"hardware_id"`
}
