package toolattack

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack/toolkit"
)

// UnavailableError says a tool profile cannot run on this machine (the
// tool, a helper program or the mount namespace is missing): the run
// could not be made, which is never a pass.
type UnavailableError struct {
	Tool Tool
	What string
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the %s profile cannot run here: %s", e.Tool, e.What)
}

// needs lists the programs each tool's builders and driver run, besides
// the client itself.
var needs = map[Tool][]string{
	RAUC:     {"rauc", "mksquashfs", "dbus-daemon", "dbus-send", "openssl", "unshare", "mount"},
	SWUpdate: {"swupdate", "openssl", "cpio", "unshare", "mount"},
	Mender:   {"mender", "mender-artifact", "openssl", "unshare", "mount"},
	OSTree:   {"ostree", "gpg"},
}

// menderModule is the single-file update module Mender runs.
const menderModule = "/usr/share/mender/modules/v3/single-file"

// Check says whether tool t's profile can run here (nil: it can).
func Check(t Tool) error {
	ps, ok := needs[t]
	if !ok {
		return fmt.Errorf("unknown tool %q", t)
	}
	for _, p := range ps {
		if _, err := exec.LookPath(p); err != nil {
			return &UnavailableError{t, p + " is not installed"}
		}
	}
	if t == Mender {
		if _, err := os.Stat(menderModule); err != nil {
			return &UnavailableError{t, "the single-file update module " + menderModule + " is not installed"}
		}
	}
	if t != OSTree {
		if err := toolkit.Namespace(); err != nil {
			return &UnavailableError{t, err.Error()}
		}
	}
	return nil
}

// folders is the common layout: the client's tree under root/c.
func folders(root string, out string) plan.Folders {
	c := filepath.Join(root, "c")
	f := plan.Folders{Root: root, Client: c, Trust: filepath.Join(c, "etc"), Meta: filepath.Join(c, "data"),
		Out: filepath.Join(c, out), Cwd: filepath.Join(c, "work")}
	f.Installed = f.Out
	f.Scratch = []string{f.Cwd}
	return f
}

// clientOf is the updater's command line, or the tool on PATH.
func clientOf(ph plan.Phase, t Tool) []string {
	if len(ph.Client) > 0 {
		return ph.Client
	}
	return []string{string(t)}
}

// drivers.
type raucDriver struct{}
type swuDriver struct{}
type menderDriver struct{}
type ostreeDriver struct{}

// Driver is tool t's driver (nil for an unknown tool).
func Driver(t Tool) plan.Driver {
	switch t {
	case RAUC:
		return raucDriver{}
	case SWUpdate:
		return swuDriver{}
	case Mender:
		return menderDriver{}
	case OSTree:
		return ostreeDriver{}
	}
	return nil
}

func (raucDriver) Servers() plan.Servers   { return plan.TLSSet }
func (swuDriver) Servers() plan.Servers    { return plan.TLSSet }
func (menderDriver) Servers() plan.Servers { return plan.TLSSet }
func (ostreeDriver) Servers() plan.Servers { return plan.TLSSet }
