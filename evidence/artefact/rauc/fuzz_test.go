package rauc

import (
	"bytes"
	"os"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
)

func FuzzManifest(f *testing.F) {
	f.Add([]byte("[update]\ncompatible=x\nversion=1\n[bundle]\nformat=verity\nverity-hash=00\n[image.rootfs]\nfilename=a.img\nsha256=00\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err == nil && m.Compatible == "" {
			t.Fatal("a manifest without compatible was accepted")
		}
	})
}

// FuzzBundle feeds arbitrary bytes behind a squashfs magic: never a panic,
// never verified.
func FuzzBundle(f *testing.F) {
	f.Add(append([]byte("hsqs"), make([]byte, 200)...))
	// A real plain bundle made with rauc bundle (test CA, one small image).
	if b, err := os.ReadFile("testdata/tiny.raucb"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Verify(bytes.NewReader(b), int64(len(b)), artefact.Options{})
		if err == nil && rep.Verified {
			t.Fatal("an untrusted bundle verified")
		}
	})
}

func FuzzVerity(f *testing.F) {
	f.Add(make([]byte, 2*VerityBlock), []byte("salt"))
	f.Fuzz(func(t *testing.T, b, salt []byte) {
		n := int64(len(b)) / VerityBlock * VerityBlock
		if n < VerityBlock {
			return
		}
		_ = VerifyVerity(bytes.NewReader(b), n/2/VerityBlock*VerityBlock, n-n/2/VerityBlock*VerityBlock, salt, make([]byte, 32))
	})
}
