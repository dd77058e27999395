package tufattack

import (
	"context"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/checks/attack/plan"
)

// Driver speaks the tuf-conformance client protocol (craudit tuf-client)
// for the harness.
type Driver struct{}

// Servers: plain HTTP, as tuf-conformance serves.
func (Driver) Servers() plan.Servers { return plan.PlainHTTP }

// Folders: metadata and targets under the client's tree.
func (Driver) Folders(root string) plan.Folders {
	return plan.StandardFolders(root, "metadata", "targets")
}

// Phase initialises the client with the trusted root (baseline) and asks
// it to download the target.
func (Driver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
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
