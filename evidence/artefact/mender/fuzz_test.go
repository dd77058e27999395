package mender

import (
	"archive/tar"
	"bytes"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
)

func FuzzArtefact(f *testing.F) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range []struct{ name, body string }{
		{"version", `{"format":"mender","version":3}`},
		{"manifest", "96bcd965947569404798bcbdb614f103db5a004eb6e364cfc162c146890ea35b  version\n"},
		{"manifest.sig", "AAAA"},
	} {
		tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o600, Size: int64(len(m.body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(m.body))
	}
	tw.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Verify(bytes.NewReader(b), int64(len(b)), artefact.Options{})
		if err == nil && rep.Verified {
			t.Fatal("an untrusted artefact verified")
		}
		_, _ = ParseManifest(b)
	})
}
