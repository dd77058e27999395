package toolattack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
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

var nsOnce = sync.OnceValue(func() error {
	out, err := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", "mount --bind / /mnt && echo ok").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		return fmt.Errorf("no private mount namespace with bind mounts (unshare -m; needs root or CAP_SYS_ADMIN): %s", strings.TrimSpace(string(out)))
	}
	return nil
})

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
		if err := nsOnce(); err != nil {
			return &UnavailableError{t, err.Error()}
		}
	}
	return nil
}

// bindScript binds each SRC DST pair given before "--", then runs the rest.
// A source "tmpfs" mounts an empty private tmpfs instead.
const bindScript = `while [ "$1" != -- ]; do if [ "$1" = tmpfs ]; then mount -t tmpfs tmpfs "$2"; else mount --bind "$1" "$2"; fi || { echo "craudit: cannot bind $1 over $2" >&2; exit 125; }; shift 2; done; shift; exec "$@"`

const bindFailed = "craudit: cannot bind"

// wrap runs cmd with env added and, when binds are given, in a private mount
// namespace with each binds[i][0] bound over binds[i][1].
func wrap(env []string, binds [][2]string, cmd []string) []string {
	argv := append([]string{"env"}, env...)
	if len(binds) > 0 {
		argv = append(argv, "unshare", "--mount", "--propagation", "private", "sh", "-c", bindScript, "sh")
		for _, b := range binds {
			argv = append(argv, b[0], b[1])
		}
		argv = append(argv, "--")
	}
	return append(argv, cmd...)
}

// command runs argv through the harness and turns a failed bind into an
// error (the harness could not set the device up: exit 2).
func command(ctx context.Context, r plan.Runner, argv []string, dir string, at time.Time) (plan.Proc, error) {
	p, err := r.Command(ctx, argv, dir, at)
	if err == nil && p.Exit == 125 && strings.Contains(p.Output, bindFailed) {
		return p, errors.New(strings.TrimSpace(p.Output[strings.LastIndex(p.Output, bindFailed):]))
	}
	return p, err
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

// writeFiles writes name -> content under dir.
func writeFiles(dir string, files map[string][]byte) error {
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return err
		}
	}
	return nil
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

// trustStore makes dir the device's system trust store holding only the
// servers' CA (as ca-certificates.crt and under its subject hash, the
// two ways libcurl, OpenSSL and Go look), to be bound over /etc/ssl/certs.
func trustStore(ph plan.Phase, dir string) error {
	ca, err := readCA(ph)
	if err != nil {
		return err
	}
	if err := writeFiles(dir, map[string][]byte{"ca-certificates.crt": ca, "server-ca.pem": ca}); err != nil {
		return err
	}
	if out, err := exec.Command("openssl", "rehash", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("openssl rehash: %v: %s", err, out)
	}
	return nil
}

// readCA reads the PEM file of the servers' CA.
func readCA(ph plan.Phase) ([]byte, error) {
	if ph.CA == "" {
		return nil, errors.New("no CA for the https servers")
	}
	return os.ReadFile(ph.CA)
}
