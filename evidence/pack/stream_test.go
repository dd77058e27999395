package pack

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/artefacttest"
	"github.com/craudit/craudit/evidence/artefact/inspect"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/fixtures/shared"
)

// newc is one cpio newc member.
func newc(name string, data []byte) []byte {
	nm := name + "\x00"
	h := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1, 0o100644, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nm), 0) + nm
	for len(h)%4 != 0 {
		h += "\x00"
	}
	b := append([]byte(h), data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// The inspection made from the copy's one read is the one inspect.File
// makes of the same file, for well-formed, tampered and malformed
// artefacts, also when the verifier stops reading long before the end.
func TestStreamedInspectionMatchesFile(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	good, err := artefacttest.Mender(k, "1.0.1", false)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := artefacttest.Mender(k, "1.0.1", true)
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("image"), 3<<20/5)
	desc := []byte(`software = { version = "1.0.1"; images: ( { filename = "rootfs.img"; sha256 = "00"; } ); };`)
	swu := append(append(newc("sw-description", desc), newc("rootfs.img", big)...), newc("TRAILER!!!", nil)...)
	// A member header broken after sw-description: the verifier stops
	// there, and 3 MiB are still to be copied.
	swuBroken := append(newc("sw-description", desc), append([]byte("0707zz"), big...)...)
	// Not a Mender tar past its first block: a format error.
	menderBroken := append(append([]byte{}, good[:512]...), big...)
	for name, data := range map[string][]byte{
		"good.mender": good, "tampered.mender": bad, "broken.mender": menderBroken,
		"image.swu": swu, "broken.swu": swuBroken,
	} {
		t.Run(name, func(t *testing.T) {
			in := newInputs(t)
			art := put(t, in.dir, "fw/"+name, data)
			put(t, in.dir, "keys/mender.pub", artefacttest.PublicPEM(k))
			trustIn(t, in, "key: keys/mender.pub")
			if !streamable(sniffFormat(art)) {
				t.Fatalf("%s is not sniffed as a streamable updater artefact", name)
			}
			key, err := artefact.LoadPublicKey(filepath.Join(in.dir, "keys/mender.pub"))
			if err != nil {
				t.Fatal(err)
			}
			o := in.options(filepath.Join(t.TempDir(), "bundle"))
			o.Artefacts = append(o.Artefacts, art)
			matchesFile(t, in, o, created, art, artefact.Options{Time: created, Key: key}, nil)
		})
	}
}

// raucBundle makes, with openssl and the real rauc, a bundle of format
// (plain or verity) around one image, and returns it with its signer's
// certificate (trusted as its own CA).
func raucBundle(t *testing.T, format string) (bundlePath, cert string) {
	t.Helper()
	shared.NeedTools(t, "rauc", "mksquashfs", "openssl")
	dir := t.TempDir()
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "signer.key", "-out", "signer.pem", "-days", "3650", "-subj", "/CN=pack test",
		"-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=emailProtection")
	content := filepath.Join(dir, "content")
	img := make([]byte, 1<<20) // random: a verity payload must exceed 4096 bytes
	if _, err := rand.Read(img); err != nil {
		t.Fatal(err)
	}
	put(t, content, "rootfs.img", img)
	put(t, content, "manifest.raucm", []byte("[update]\ncompatible=pack-test\nversion=1.0.1\n\n[bundle]\nformat="+format+
		"\n\n[image.rootfs]\nfilename=rootfs.img\n"))
	run("rauc", "bundle", "--cert", "signer.pem", "--key", "signer.key", content, "b.raucb")
	return filepath.Join(dir, "b.raucb"), filepath.Join(dir, "signer.pem")
}

// A RAUC bundle is verified in the copy's read (after a read of its ends)
// and its inspection is the one inspect.File makes; a bundle whose ends do
// not plan a one-pass verification is inspected from the copy, as before.
func TestStreamedRAUCInspection(t *testing.T) {
	for _, name := range []string{"plain", "verity", "tampered", "broken"} {
		t.Run(name, func(t *testing.T) {
			format := "plain"
			if name == "verity" {
				format = "verity"
			}
			p, cert := raucBundle(t, format)
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			switch name {
			case "tampered":
				data[len(data)/3] ^= 1
			case "broken":
				copy(data[len(data)-8:], []byte{0, 0, 0, 0, 0x7f, 0, 0, 0})
			}
			in := newInputs(t)
			art := put(t, in.dir, "fw/"+name+".raucb", data)
			put(t, in.dir, "keys/rauc-ca.pem", must(os.ReadFile(cert)))
			trustIn(t, in, "ca: keys/rauc-ca.pem")
			// The signer is made now: bundle now, within the bundle
			// signer's validity (created - 1 month to created + 1 year).
			now := time.Now().UTC().Truncate(time.Second)
			trust, _, err := artefactTrust(in.product, mustProduct(t, in.product), now)
			if err != nil {
				t.Fatal(err)
			}
			if planned := startRAUC(art, trust) != nil; planned != (name != "broken") {
				t.Fatalf("one-pass verification planned: %t", planned)
			}
			o := in.options(filepath.Join(t.TempDir(), "bundle"))
			o.Artefacts = append(o.Artefacts, art)
			o.Created = now
			matchesFile(t, in, o, now, art, trust, func(rep *artefact.Report) {
				if rep.Verified != (name == "plain" || name == "verity") {
					t.Fatalf("inspect.File: verified=%t %+v", rep.Verified, rep.Problems)
				}
			})
		})
	}
}

// trustIn adds an artefact_trust entry (YAML under it, one line) to the
// inputs' product.yaml.
func trustIn(t *testing.T, in *inputs, entry string) {
	t.Helper()
	prod, _ := os.ReadFile(in.product)
	prod = []byte(strings.Replace(string(prod), "\nupdates:\n", "\nupdates:\n  artefact_trust:\n    "+entry+"\n", 1))
	if err := os.WriteFile(in.product, prod, 0o644); err != nil {
		t.Fatal(err)
	}
}

// matchesFile bundles o and requires the bundle's inspection of art to be
// the one inspect.File makes of it with opts (check, when non-nil, looks
// at that report first).
func matchesFile(t *testing.T, in *inputs, o Options, at time.Time, art string, opts artefact.Options, check func(*artefact.Report)) {
	t.Helper()
	if _, err := Bundle(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(o.Out, bundle.VerifyOptions{Root: in.root.Public(), At: at})
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(art)
	got, err := b.Read("artefact-inspection/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := inspect.File(art, opts)
	if fe := (*artefact.FormatError)(nil); errors.As(err, &fe) {
		rep = &artefact.Report{Format: fe.Format}
		rep.Add("format", "%s", fe.Reason)
		rep.Finish()
	} else if err != nil {
		t.Fatal(err)
	}
	if check != nil {
		check(rep)
	}
	it, _ := b.Index.Item("artefacts/" + name)
	rep.File, rep.Size, rep.SHA256 = name, it.Size, it.SHA256
	want, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("bundle's inspection differs from inspect.File:\n got %s\nwant %s", got, want)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func mustProduct(t *testing.T, p string) *product.Product {
	t.Helper()
	prod, _, err := product.LoadProduct(p)
	if err != nil {
		t.Fatal(err)
	}
	return prod
}
