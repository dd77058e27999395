package verifier_test

import (
	"testing"

	"github.com/craudit/craudit/checks/verifier"
)

// FuzzParseTranscripts: a transcript comes from a bundle or dossier that may
// be hostile; parsing never panics, and what parses encodes again.
func FuzzParseTranscripts(f *testing.F) {
	t := &verifier.Transcript{Schema: verifier.TranscriptSchema, Profile: verifier.ProfileTUF, Verdict: verifier.Verified,
		Steps: []verifier.Step{{ID: "root/trusted", Control: verifier.ControlSignature, Verdict: verifier.Pass}}}
	f.Add(t.JSON())
	f.Add(verifier.NewSet(t, t).JSON())
	f.Add([]byte(`{"schema":"` + verifier.SetSchema + `","runs":[null]}`))
	f.Add([]byte(`{"schema":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		runs, err := verifier.ParseTranscripts(b)
		if err != nil {
			return
		}
		for _, r := range runs {
			if r == nil {
				t.Fatal("nil run accepted")
			}
			_ = r.JSON()
			_ = r.Text()
			_ = r.StepsFor(verifier.ControlSignature)
		}
	})
}

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
