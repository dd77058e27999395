package swupdate

import (
	"bytes"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
)

func FuzzConfig(f *testing.F) {
	f.Add([]byte(`software = { version = "1.0"; hardware-compatibility: ["1.0"]; images: ( { filename = "a"; sha256 = "00"; } ); };`))
	f.Add([]byte(`{"software": {"version": "1", "images": [{"filename": "a"}]}}`))
	f.Add([]byte("globals : { verbose = true; /* c */ loglevel = 0x5L; public-key-file = \"a\\x41\"; };\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseConfig(b)
		_, _ = ParseDescription(b)
	})
}

func FuzzArchive(f *testing.F) {
	f.Add([]byte(MagicNewc + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Verify(bytes.NewReader(b), int64(len(b)), artefact.Options{})
		if err == nil && rep.Verified {
			t.Fatal("an untrusted archive verified")
		}
	})
}
