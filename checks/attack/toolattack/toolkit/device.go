package toolkit

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

// Namespace says whether a private mount namespace with bind mounts can be
// made here (unshare -m; root or CAP_SYS_ADMIN); it tries once per process.
var Namespace = sync.OnceValue(func() error {
	out, err := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", "mount --bind / /mnt && echo ok").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		return fmt.Errorf("no private mount namespace with bind mounts (unshare -m; needs root or CAP_SYS_ADMIN): %s", strings.TrimSpace(string(out)))
	}
	return nil
})

// bindScript binds each SRC DST pair given before "--", then runs the rest.
// A source "tmpfs" mounts an empty private tmpfs instead.
const bindScript = `while [ "$1" != -- ]; do if [ "$1" = tmpfs ]; then mount -t tmpfs tmpfs "$2"; else mount --bind "$1" "$2"; fi || { echo "craudit: cannot bind $1 over $2" >&2; exit 125; }; shift 2; done; shift; exec "$@"`

const bindFailed = "craudit: cannot bind"

// Wrap runs cmd with env added and, when binds are given, in a private mount
// namespace with each binds[i][0] bound over binds[i][1].
func Wrap(env []string, binds [][2]string, cmd []string) []string {
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

// Command runs argv through the harness and turns a failed bind into an
// error (the harness could not set the device up: exit 2).
func Command(ctx context.Context, r plan.Runner, argv []string, dir string, at time.Time) (plan.Proc, error) {
	p, err := r.Command(ctx, argv, dir, at)
	if err == nil && p.Exit == 125 && strings.Contains(p.Output, bindFailed) {
		return p, errors.New(strings.TrimSpace(p.Output[strings.LastIndex(p.Output, bindFailed):]))
	}
	return p, err
}

// WriteFiles writes name -> content under dir.
func WriteFiles(dir string, files map[string][]byte) error {
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

// TrustStore makes dir the device's system trust store holding only the
// servers' CA (as ca-certificates.crt and under its subject hash, the
// two ways libcurl, OpenSSL and Go look), to be bound over /etc/ssl/certs.
func TrustStore(ph plan.Phase, dir string) error {
	ca, err := ReadCA(ph)
	if err != nil {
		return err
	}
	if err := WriteFiles(dir, map[string][]byte{"ca-certificates.crt": ca, "server-ca.pem": ca}); err != nil {
		return err
	}
	if out, err := exec.Command("openssl", "rehash", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("openssl rehash: %v: %s", err, out)
	}
	return nil
}

// ReadCA reads the PEM file of the servers' CA.
func ReadCA(ph plan.Phase) ([]byte, error) {
	if ph.CA == "" {
		return nil, errors.New("no CA for the https servers")
	}
	return os.ReadFile(ph.CA)
}
