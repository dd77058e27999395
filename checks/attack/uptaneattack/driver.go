package uptaneattack

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/craudit/craudit/checks/attack/plan"
)

// Driver speaks the uptane-client protocol (docs/uptane.md): a
// Primary provisioned with both repositories' initial roots and the unit's
// ECUs (init), then one update against the Director and the Image
// repository served side by side; the main controller's image lands in
// the target folder.
type Driver struct{}

func (Driver) Servers() plan.Servers { return plan.PlainHTTP }

// Folders: trust beside the client's tree root/c/d, whose metadata,
// targets and work folders the Primary may write.
func (Driver) Folders(root string) plan.Folders {
	c := filepath.Join(root, "c")
	f := plan.Folders{Root: root, Client: c, Trust: filepath.Join(root, "trust"),
		Meta: filepath.Join(c, "d", "metadata"), Out: filepath.Join(c, "d", "targets"), Cwd: filepath.Join(c, "d", "work")}
	f.Installed = f.Out
	return f
}

// UptaneArgs are the protocol's arguments for one command ("init" or
// "update"): metaDir and targetDir the Primary's folders, base the server
// the Director and the Image repository are served from; init names the
// two initial roots.
func UptaneArgs(command, metaDir, targetDir, base, directorTrust, imageTrust string) []string {
	args := []string{"--director-url", base + "/" + strings.TrimSuffix(DirectorPrefix, "/"),
		"--image-url", base + "/" + strings.TrimSuffix(ImagePrefix, "/"),
		"--metadata-dir", metaDir, "--target-dir", targetDir}
	for _, e := range Unit {
		args = append(args, "--ecu", e.Serial+"="+e.HardwareID)
	}
	if command == "init" {
		return append(args, "init", directorTrust, imageTrust)
	}
	return append(args, "update")
}

func (Driver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	f := ph.Folders
	dt, it := filepath.Join(f.Trust, "director-root.json"), filepath.Join(f.Trust, "image-root.json")
	if ph.Baseline {
		for p, b := range map[string][]byte{dt: ph.Plan.InitRoots[Director], it: ph.Plan.InitRoots[Image]} {
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
