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
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/artefacttest"
	"github.com/craudit/craudit/evidence/artefact/inspect"
	"github.com/craudit/craudit/evidence/bundle"
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
			prod, _ := os.ReadFile(in.product)
			prod = []byte(strings.Replace(string(prod), "\nupdates:\n", "\nupdates:\n  artefact_trust:\n    key: keys/mender.pub\n", 1))
			if err := os.WriteFile(in.product, prod, 0o644); err != nil {
				t.Fatal(err)
			}
			if !streamable(sniffFormat(art)) {
				t.Fatalf("%s is not sniffed as a streamable updater artefact", name)
			}
			o := in.options(filepath.Join(t.TempDir(), "bundle"))
			o.Artefacts = append(o.Artefacts, art)
			if _, err := Bundle(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			b, err := bundle.Open(o.Out, bundle.VerifyOptions{Root: in.root.Public(), At: created})
			if err != nil {
				t.Fatal(err)
			}
			got, err := b.Read("artefact-inspection/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			key, err := artefact.LoadPublicKey(filepath.Join(in.dir, "keys/mender.pub"))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := inspect.File(art, artefact.Options{Time: created, Key: key})
			if fe := (*artefact.FormatError)(nil); errors.As(err, &fe) {
				rep = &artefact.Report{Format: fe.Format}
				rep.Add("format", "%s", fe.Reason)
				rep.Finish()
			} else if err != nil {
				t.Fatal(err)
			}
			it, _ := b.Index.Item("artefacts/" + name)
			rep.File, rep.Size, rep.SHA256 = name, it.Size, it.SHA256
			want, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("streamed inspection differs from inspect.File:\n got %s\nwant %s", got, want)
			}
		})
	}
}
