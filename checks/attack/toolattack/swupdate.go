package toolattack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack/toolkit"
	"github.com/craudit/craudit/evidence/attackrun"
)

// SWUpdate: a .swu (cpio, crc format) of sw-description, its CMS signature
// and one raw image, served as update.swu.
const swuPath = "update.swu"

// swuDevice is where the raw handler writes: the scenario's client tree is
// bound at /mnt in the client's mount namespace, its slot folder at
// /mnt/slot. SWUpdate's control sockets have fixed names in /tmp, so /tmp
// is a private tmpfs there (runs in parallel do not meet).
const swuDevice = "/mnt/slot/slot.img"

// The device's board and hardware revision (swupdate -H BOARD:REV), and
// another device's revision.
const (
	swuBoard       = plan.DeviceProduct
	swuRevision    = plan.DeviceHardware
	swuOtherRevion = "tx-200"
)

var swuFormat = format{tool: SWUpdate, path: swuPath, device: "hardware revision", certs: true,
	newFix: func(e *plan.Env) (fixture, error) { return newCMSFix(e, swuImage(false)) },
	mirrors: map[string]string{
		ctlIntegrity:     "SWUpdate: each image's sha256 in the signed sw-description",
		ctlSignature:     "SWUpdate -k CA.pem: sw-description.sig must be a CMS signature chaining to it",
		ctlFreshness:     "SWUpdate CMS verification: certificate validity",
		ctlApplicability: "SWUpdate hardware-compatibility against -H board:revision",
		ctlRollback:      "SWUpdate -N (no-downgrading), off unless given",
	}}

// swuDirectSpec: the vendor's release streams its image into the slot
// (installed-directly) and the payload is tampered: SWUpdate checks the
// hash only at the end, after the attacker's bytes are in the slot.
func swuDirectSpec() Spec {
	f := swuFormat
	f.newFix = func(e *plan.Env) (fixture, error) { return newCMSFix(e, swuImage(true)) }
	return Spec{Name: "swupdate-tampered-payload-installed-directly", Title: "A tampered payload in a release whose image is installed directly (streamed into the slot)",
		Step: 5, Control: ctlIntegrity, Expect: attackrun.Reject,
		Mirrors: "SWUpdate installed-directly: the sha256 is checked after the image is written", Build: f.builder(f.genuine(f.tamper), "")}
}

// swuPadding is the size of the .swu's trailing unnamed file: four times
// the default local socket send buffer (net.core.wmem_default, 208 KiB).
const swuPadding = 1 << 20

// swuImage makes a .swu; direct sets installed-directly on the image
// (streamed into the slot as it arrives, hash checked at the end).
func swuImage(direct bool) func(f *cmsFix, r release) ([]byte, error) {
	return func(f *cmsFix, r release) ([]byte, error) {
		tag := f.tag()
		rev := swuRevision
		if r.otherDevice {
			rev = swuOtherRevion
		}
		sum := sha256.Sum256(r.content)
		extra := ""
		if direct {
			extra = "\n\t\t\tinstalled-directly = true;"
		}
		desc := fmt.Sprintf(`software =
{
	version = "%s";
	hardware-compatibility = [ "%s" ];
	images: (
		{
			filename = "firmware.bin";
			device = "%s";
			type = "raw";
			sha256 = "%s";%s
		}
	);
}
`, r.version, rev, swuDevice, hex.EncodeToString(sum[:]), extra)
		dir := f.w.Path(tag + "/swu")
		if _, err := f.w.Write(tag+"/swu/sw-description", []byte(desc)); err != nil {
			return nil, err
		}
		if _, err := f.w.Write(tag+"/swu/firmware.bin", r.content); err != nil {
			return nil, err
		}
		// padding is a file sw-description does not name: SWUpdate reads
		// it through and skips it. It makes the .swu larger than a local
		// socket's buffers, so the downloader cannot finish writing before
		// the installer thread has started reading and set the install
		// state to RUN: without it SWUpdate 2022.12's -d mode races
		// (docs/updaters.md) and a valid update now and then fails.
		if _, err := f.w.Write(tag+"/swu/padding", make([]byte, swuPadding)); err != nil {
			return nil, err
		}
		names := "sw-description\nfirmware.bin\npadding\n"
		if r.signer != toolkit.Unsigned {
			certFile, keyFile, err := f.signerFiles(tag, r)
			if err != nil {
				return nil, err
			}
			if _, err := toolkit.Run(dir, nil, nil, "openssl", "cms", "-sign", "-in", "sw-description", "-out", "sw-description.sig",
				"-signer", certFile, "-inkey", keyFile, "-outform", "DER", "-nosmimecap", "-binary"); err != nil {
				return nil, err
			}
			names = "sw-description\nsw-description.sig\nfirmware.bin\npadding\n"
		}
		return toolkit.Run(dir, []byte(names), nil, "cpio", "-o", "-H", "crc", "--quiet")
	}
}

func (swuDriver) Folders(root string) plan.Folders { return folders(root, "slot") }

// swuConf is the configuration: the download section trusts the servers'
// CA (paths as the client sees them, under /mnt).
const swuConf = "globals :\n{\n\tloglevel = 5;\n};\n\ndownload :\n{\n\tcafile = \"/mnt/etc/server-ca.pem\";\n};\n"

func (swuDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	if err := Check(SWUpdate); err != nil {
		return plan.Proc{}, err
	}
	f := ph.Folders
	if ph.Baseline {
		ca, err := toolkit.ReadCA(ph)
		if err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.WriteFiles(f.Trust, map[string][]byte{"swupdate.cfg": []byte(swuConf), "verify-ca.pem": ph.Plan.InitRoot,
			"server-ca.pem": ca}); err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.WriteFiles(f.Out, map[string][]byte{"slot.img": nil}); err != nil {
			return plan.Proc{}, err
		}
	}
	argv := append(append([]string(nil), clientOf(ph, SWUpdate)...), "-f", "/mnt/etc/swupdate.cfg",
		"-k", "/mnt/etc/verify-ca.pem", "-H", swuBoard+":"+swuRevision, "-d", "-u "+ph.URL+"/"+swuPath)
	return toolkit.Command(ctx, r, toolkit.Wrap([]string{"TMPDIR=/mnt/work"}, [][2]string{{f.Client, "/mnt"}, {"tmpfs", "/tmp"}}, argv), f.Cwd, ph.At)
}
