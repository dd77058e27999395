package attack

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/uptaneattack"
)

// uptaneDriver speaks the uptane-client protocol (docs/uptane.md): a
// Primary provisioned with both repositories' initial roots and the unit's
// ECUs (init), then one update against the Director and the Image
// repository served side by side; the main controller's image lands in
// the target folder.
type uptaneDriver struct{}

func (uptaneDriver) Servers() plan.Servers { return plan.PlainHTTP }

func (uptaneDriver) Folders(root string) plan.Folders {
	return scenarioFolders(root, "metadata", "targets")
}

// UptaneArgs are the protocol's arguments for one command ("init" or
// "update"): metaDir and targetDir the Primary's folders, base the server
// the Director and the Image repository are served from; init names the
// two initial roots.
func UptaneArgs(command, metaDir, targetDir, base, directorTrust, imageTrust string) []string {
	args := []string{"--director-url", base + "/" + strings.TrimSuffix(uptaneattack.DirectorPrefix, "/"),
		"--image-url", base + "/" + strings.TrimSuffix(uptaneattack.ImagePrefix, "/"),
		"--metadata-dir", metaDir, "--target-dir", targetDir}
	for _, e := range uptaneattack.Unit {
		args = append(args, "--ecu", e.Serial+"="+e.HardwareID)
	}
	if command == "init" {
		return append(args, "init", directorTrust, imageTrust)
	}
	return append(args, "update")
}

func (uptaneDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	f := ph.Folders
	dt, it := filepath.Join(f.Trust, "director-root.json"), filepath.Join(f.Trust, "image-root.json")
	if ph.Baseline {
		for p, b := range map[string][]byte{dt: ph.Plan.InitRoots[uptaneattack.Director], it: ph.Plan.InitRoots[uptaneattack.Image]} {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				return plan.Proc{}, err
			}
		}
		res, err := r.Client(ctx, UptaneArgs("init", f.Meta, f.Out, ph.URL, dt, it), f.Cwd, ph.At)
		if err != nil || !res.OK() {
			return res, err
		}
	}
	return r.Client(ctx, UptaneArgs("update", f.Meta, f.Out, ph.URL, dt, it), f.Cwd, ph.At)
}
