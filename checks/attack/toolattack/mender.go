package toolattack

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack/toolkit"
)

// Mender: a v3 artefact of the single-file update module, uncompressed
// (--compression none, so a payload tamper is a same-length swap), served
// as update.mender.
const menderPath = "update.mender"

// menderDest is the folder the single-file module writes to: the
// scenario's slot folder, bound at /mnt/slot.
const menderDest = "/mnt/slot"

// The device type, and another device's.
const (
	menderDeviceType = plan.DeviceHardware
	menderOtherType  = "tx-200"
)

var menderFormat = format{tool: Mender, path: menderPath, device: "device type",
	newFix: newMenderFix,
	mirrors: map[string]string{
		ctlIntegrity:     "Mender: payload sha256 sums in the signed manifest",
		ctlSignature:     "Mender ArtifactVerifyKey: manifest.sig must verify under it",
		ctlApplicability: "Mender device_types_compatible against the device_type file",
		ctlRollback:      "none in Mender standalone: artifact names are not ordered",
	}}

type menderFix struct {
	w            *toolkit.Workdir
	vendor, evil []byte // PEM private keys (SEC1)
	pub          []byte
}

func ecKey() (*ecdsa.PrivateKey, []byte, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, nil, err
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func newMenderFix(e *plan.Env) (fixture, error) {
	vk, vpem, err := ecKey()
	if err != nil {
		return nil, err
	}
	_, epem, err := ecKey()
	if err != nil {
		return nil, err
	}
	spki, err := x509.MarshalPKIXPublicKey(&vk.PublicKey)
	if err != nil {
		return nil, err
	}
	w, err := toolkit.NewWorkdir()
	if err != nil {
		return nil, err
	}
	return &menderFix{w: w, vendor: vpem, evil: epem, pub: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})}, nil
}

func (f *menderFix) trust() []byte { return f.pub }
func (f *menderFix) close()        { f.w.Close() }

func (f *menderFix) artefact(r release) ([]byte, error) {
	tag := f.w.Path(toolkit.NextTag("m"))
	dt := menderDeviceType
	if r.otherDevice {
		dt = menderOtherType
	}
	files := map[string][]byte{"firmware.bin": r.content, "dest_dir": []byte(menderDest), "filename": []byte("firmware.bin")}
	if err := toolkit.WriteFiles(tag, files); err != nil {
		return nil, err
	}
	out := filepath.Join(tag, "update.mender")
	args := []string{"mender-artifact", "write", "module-image", "-T", "single-file", "-t", dt, "-n", "release-" + r.version,
		"--software-version", r.version, "--compression", "none", "-o", out,
		"-f", filepath.Join(tag, "firmware.bin"), "-f", filepath.Join(tag, "dest_dir"), "-f", filepath.Join(tag, "filename")}
	switch r.signer {
	case toolkit.ByVendor, toolkit.ByExpired:
		if err := toolkit.WriteFiles(tag, map[string][]byte{"key.pem": f.vendor}); err != nil {
			return nil, err
		}
		args = append(args, "-k", filepath.Join(tag, "key.pem"))
	case toolkit.ByOther:
		if err := toolkit.WriteFiles(tag, map[string][]byte{"key.pem": f.evil}); err != nil {
			return nil, err
		}
		args = append(args, "-k", filepath.Join(tag, "key.pem"))
	}
	if _, err := toolkit.Run(tag, nil, nil, args...); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

func (menderDriver) Folders(root string) plan.Folders {
	return folders(root, filepath.Join("dev", "slot"))
}

// menderConf is mender.conf: the artefact verify key, the rest as shipped
// (standalone install reads the servers' CA from the system store).
func menderConf(f plan.Folders) []byte {
	b, _ := json.MarshalIndent(map[string]string{
		"ArtifactVerifyKey": "/etc/mender/artifact-verify-key.pem",
		"DeviceTypeFile":    filepath.Join(f.Meta, "device_type"),
	}, "", "  ")
	return append(b, '\n')
}

func (menderDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	if err := Check(Mender); err != nil {
		return plan.Proc{}, err
	}
	f := ph.Folders
	if ph.Baseline {
		// /etc/mender as an integrator provisions it (artifact_info names
		// the factory release); the servers' CA in the system store.
		if err := toolkit.WriteFiles(f.Trust, map[string][]byte{"mender/mender.conf": menderConf(f), "mender/artifact-verify-key.pem": ph.Plan.InitRoot,
			"mender/artifact_info": []byte("artifact_name=release-0.9.0\n")}); err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.TrustStore(ph, filepath.Join(f.Trust, "ssl-certs")); err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.WriteFiles(f.Meta, map[string][]byte{"device_type": []byte("device_type=" + menderDeviceType + "\n")}); err != nil {
			return plan.Proc{}, err
		}
		if err := os.MkdirAll(f.Out, 0o700); err != nil {
			return plan.Proc{}, err
		}
	}
	binds := [][2]string{{filepath.Join(f.Trust, "mender"), "/etc/mender"}, {filepath.Join(f.Trust, "ssl-certs"), "/etc/ssl/certs"}, {filepath.Dir(f.Out), "/mnt"}}
	env := []string{"TMPDIR=" + f.Cwd}
	mender := func(args ...string) (plan.Proc, error) {
		argv := append(append([]string(nil), clientOf(ph, Mender)...), "--no-syslog", "--data", f.Meta)
		return toolkit.Command(ctx, r, toolkit.Wrap(env, binds, append(argv, args...)), f.Cwd, ph.At)
	}
	p, err := mender("install", ph.URL+"/"+menderPath)
	if err != nil || !p.OK() {
		return p, err
	}
	return mender("commit")
}
