package verifier_test

import (
	"testing"

	"github.com/craudit/craudit/checks/verifier"
)

// FuzzDetectProfile: the trust file decides the profile; nothing panics.
func FuzzDetectProfile(f *testing.F) {
	f.Add([]byte(`{"signed":{"_type":"root"}}`))
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := verifier.DetectProfile(b)
		if err == nil && p != verifier.ProfileTUF && p != verifier.ProfileManifest {
			t.Fatalf("profile %q", p)
		}
	})
}
