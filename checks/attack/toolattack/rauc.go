package toolattack

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack/toolkit"
)

// RAUC: a plain bundle (squashfs, detached CMS signature, 8-byte size),
// served as update.raucb.
const raucPath = "update.raucb"

// The device's RAUC compatible string, and another device's.
const (
	raucCompatible      = plan.DeviceProduct
	raucOtherCompatible = "thermo-2000"
)

var raucFormat = format{tool: RAUC, path: raucPath, device: "compatible", certs: true,
	newFix: func(e *plan.Env) (fixture, error) { return newCMSFix(e, raucBundle) },
	mirrors: map[string]string{
		ctlIntegrity:     "RAUC plain bundle: the CMS signature covers the whole squashfs (rauc install verifies it before mounting)",
		ctlSignature:     "RAUC keyring ([keyring] path): the signer must chain to it",
		ctlFreshness:     "RAUC certificate validity at install time (or at signing time with use-bundle-signing-time)",
		ctlApplicability: "RAUC [system] compatible must equal the bundle's [update] compatible",
		ctlRollback:      "none in RAUC itself: a version check needs an install hook or a handler",
	}}

// cmsFix signs with X.509 certificates (RAUC, SWUpdate).
type cmsFix struct {
	s    *toolkit.Signers
	w    *toolkit.Workdir
	make func(f *cmsFix, r release) ([]byte, error)
}

func newCMSFix(e *plan.Env, make func(f *cmsFix, r release) ([]byte, error)) (fixture, error) {
	s, err := toolkit.NewSigners(e.Ref, x509.ExtKeyUsageEmailProtection)
	if err != nil {
		return nil, err
	}
	w, err := toolkit.NewWorkdir()
	if err != nil {
		return nil, err
	}
	return &cmsFix{s: s, w: w, make: make}, nil
}

func (f *cmsFix) trust() []byte { return f.s.CA.PEM }
func (f *cmsFix) close()        { f.w.Close() }
func (f *cmsFix) artefact(r release) ([]byte, error) {
	return f.make(f, r)
}

// signerFiles writes the signer's certificate and key for r (vendor when
// unsigned: the signature is stripped afterwards).
func (f *cmsFix) signerFiles(tag string, r release) (certFile, keyFile string, err error) {
	c := f.s.Pick(r.signer)
	if c == nil {
		c = f.s.Vendor
	}
	if certFile, err = f.w.Write(tag+"/signer.pem", c.PEM); err != nil {
		return "", "", err
	}
	keyFile, err = f.w.Write(tag+"/signer.key", c.KeyPEM)
	return certFile, keyFile, err
}

func (f *cmsFix) tag() string { return toolkit.NextTag("a") }

// raucBundle makes a plain bundle with `rauc bundle`; its squashfs stores
// the image uncompressed, so a payload tamper is a same-length swap.
func raucBundle(f *cmsFix, r release) ([]byte, error) {
	tag := f.tag()
	compat := raucCompatible
	if r.otherDevice {
		compat = raucOtherCompatible
	}
	manifest := fmt.Sprintf("[update]\ncompatible=%s\nversion=%s\n\n[bundle]\nformat=plain\n\n[image.rootfs]\nfilename=rootfs.img\n", compat, r.version)
	if _, err := f.w.Write(tag+"/content/manifest.raucm", []byte(manifest)); err != nil {
		return nil, err
	}
	if _, err := f.w.Write(tag+"/content/rootfs.img", r.content); err != nil {
		return nil, err
	}
	certFile, keyFile, err := f.signerFiles(tag, r)
	if err != nil {
		return nil, err
	}
	out := f.w.Path(tag + "/bundle.raucb")
	if _, err := toolkit.Run(f.w.Dir, nil, nil, "rauc", "bundle", "--cert="+certFile, "--key="+keyFile,
		"--mksquashfs-args=-noI -noD -noF -noX", f.w.Path(tag+"/content"), out); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	if r.signer == toolkit.Unsigned {
		return stripRAUCSignature(b)
	}
	return b, nil
}

// stripRAUCSignature leaves the squashfs followed by a zero signature size.
func stripRAUCSignature(b []byte) ([]byte, error) {
	if len(b) < 8 {
		return nil, errors.New("rauc bundle: too short")
	}
	n := binary.BigEndian.Uint64(b[len(b)-8:])
	if n > uint64(len(b)-8) {
		return nil, errors.New("rauc bundle: bad signature size")
	}
	sq := b[:len(b)-8-int(n)]
	return append(append([]byte(nil), sq...), make([]byte, 8)...), nil
}

func (raucDriver) Folders(root string) plan.Folders { return folders(root, "slots") }

// raucConf is the device's system.conf: the default configuration a
// manufacturer starts from (keyring, compatible, plain bundles), with
// file-backed raw slots and the noop bootloader.
func raucConf(f plan.Folders) string {
	return fmt.Sprintf(`[system]
compatible=%s
bootloader=noop
bundle-formats=plain
data-directory=%s
mountprefix=%s

[keyring]
path=%s

[slot.rootfs.0]
device=%s
type=raw
bootname=A

[slot.rootfs.1]
device=%s
type=raw
bootname=B
`, raucCompatible, f.Meta, filepath.Join(f.Cwd, "mnt"), filepath.Join(f.Trust, "keyring.pem"),
		filepath.Join(f.Out, "rootfs.0"), filepath.Join(f.Out, "rootfs.1"))
}

// factoryImage is what the booted slot holds before any update.
var factoryImage = []byte("factory image\n")

func (d raucDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	if err := Check(RAUC); err != nil {
		return plan.Proc{}, err
	}
	f := ph.Folders
	conf := filepath.Join(f.Trust, "system.conf")
	certs := filepath.Join(f.Trust, "ssl-certs")
	if ph.Baseline {
		if err := toolkit.WriteFiles(f.Trust, map[string][]byte{"system.conf": []byte(raucConf(f)), "keyring.pem": ph.Plan.InitRoot}); err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.TrustStore(ph, certs); err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.WriteFiles(f.Out, map[string][]byte{"rootfs.0": factoryImage, "rootfs.1": nil}); err != nil {
			return plan.Proc{}, err
		}
		if err := os.MkdirAll(filepath.Join(f.Cwd, "mnt"), 0o700); err != nil {
			return plan.Proc{}, err
		}
	}
	bus, stopBus, err := startBus(ctx, filepath.Join(f.Cwd, "bus"))
	if err != nil {
		return plan.Proc{}, err
	}
	defer stopBus()
	env := []string{"DBUS_SESSION_BUS_ADDRESS=" + bus, "DBUS_STARTER_BUS_TYPE=session", "TMPDIR=" + f.Cwd}
	client := clientOf(ph, RAUC)
	// The service: libcurl reads the CA directory /etc/ssl/certs only, so
	// the device's trust store is the scenario's.
	svc := startService(ctx, r, toolkit.Wrap(env, [][2]string{{certs, "/etc/ssl/certs"}},
		append(append([]string(nil), client...), "--conf="+conf, "--override-boot-slot=A", "service")), f.Cwd, ph.At)
	defer svc.stop()
	if err := svc.waitName(ctx, bus, "de.pengutronix.rauc"); err != nil {
		if svc.ended() {
			return svc.p, svc.err
		}
		return plan.Proc{}, err
	}
	p, err := r.Command(ctx, toolkit.Wrap(env, nil, append(append([]string(nil), client...), "install", ph.URL+"/"+raucPath)), f.Cwd, ph.At)
	if err != nil {
		return p, err
	}
	// The client gives up when its D-Bus call times out (25 s) while the
	// service goes on installing: the device is held as long as the
	// service is, so wait for the service under the harness's deadline.
	// The service runs under the harness's deadline: when the deadline
	// killed it, the client lost it mid-installation (it says "RAUC
	// service disappeared"): the device was held until the deadline.
	if !p.OK() && !p.TimedOut {
		select {
		case <-svc.done:
		case <-time.After(2 * time.Second):
		}
		if svc.ended() && svc.p.TimedOut {
			p.Exit, p.TimedOut = -1, true
			p.Output = strings.TrimRight(p.Output, "\n") + "\nrauc service: still installing at the deadline\n"
			return p, nil
		}
	}
	if !p.OK() && !p.TimedOut && raucBusy(ctx, bus) {
		w, err := r.Command(ctx, []string{"sh", "-c", raucWait, "sh", bus}, f.Cwd, ph.At)
		if err != nil {
			return w, err
		}
		if w.TimedOut {
			p.Exit, p.TimedOut = -1, true
			p.Output = strings.TrimRight(p.Output, "\n") + "\nrauc service: still installing after the client gave up, and still at the deadline\n"
			return p, nil
		}
	}
	// The service says why it refused; the client only that it failed.
	svc.stop()
	if why := serviceSaid(svc.p.Output); why != "" {
		p.Output = strings.TrimRight(p.Output, "\n") + "\nrauc service: " + why + "\n"
	}
	return p, nil
}

// raucOperation asks the service what it is doing ("idle", "installing").
const raucOperation = `dbus-send --bus="$1" --print-reply --dest=de.pengutronix.rauc / org.freedesktop.DBus.Properties.Get string:de.pengutronix.rauc.Installer string:Operation`

// raucWait waits until the service is no longer installing.
const raucWait = `while ` + raucOperation + ` 2>/dev/null | grep -q '"installing"'; do sleep 0.2; done`

func raucBusy(ctx context.Context, bus string) bool {
	out, _ := exec.CommandContext(ctx, "sh", "-c", raucOperation, "sh", bus).Output()
	return strings.Contains(string(out), `"installing"`)
}

// serviceSaid is the service's last line about the installation's outcome
// (its reason for refusing), without the log prefix.
func serviceSaid(out string) string {
	lines := strings.Split(out, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if j := strings.Index(l, ": installing "); j >= 0 && !strings.HasSuffix(l, ": finished") && !strings.Contains(l, "` failed: ") {
			return l[j+2:]
		}
	}
	return ""
}

// service is a client run in the background for the length of a phase.
type service struct {
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	p      plan.Proc
	err    error
}

func startService(ctx context.Context, r plan.Runner, argv []string, dir string, at time.Time) *service {
	sctx, cancel := context.WithCancel(ctx)
	s := &service{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.p, s.err = toolkit.Command(sctx, r, argv, dir, at)
	}()
	return s
}

func (s *service) stop() {
	s.once.Do(func() { s.cancel(); <-s.done })
}

func (s *service) ended() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// waitName waits until name has an owner on the bus, or the service ends.
func (s *service) waitName(ctx context.Context, bus, name string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.CommandContext(ctx, "dbus-send", "--bus="+bus, "--print-reply", "--dest=org.freedesktop.DBus",
			"/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:"+name).Output()
		if strings.Contains(string(out), "boolean true") {
			return nil
		}
		select {
		case <-s.done:
			return errors.New("the service ended before it took its bus name")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not appear on the private bus within 20 s", name)
}

// startBus starts a private D-Bus session bus listening on sock.
func startBus(ctx context.Context, sock string) (string, func(), error) {
	os.Remove(sock)
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1", "--address=unix:path="+sock)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("dbus-daemon: %w", err)
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, out)
	}()
	select {
	case addr := <-line:
		if addr == "" {
			stop()
			return "", nil, errors.New("dbus-daemon printed no address")
		}
		return addr, stop, nil
	case <-time.After(10 * time.Second):
		stop()
		return "", nil, errors.New("dbus-daemon did not start within 10 s")
	case <-ctx.Done():
		stop()
		return "", nil, ctx.Err()
	}
}
