package verifier_test

import (
	"testing"

	"github.com/craudit/craudit/checks/verifier"
)

// FuzzParseTranscript feeds arbitrary bytes to the transcript reader (a
// transcript comes from a bundle or a dossier, so from anyone): no panic, and
// what it accepts encodes and reads back.
func FuzzParseTranscript(f *testing.F) {
	f.Add([]byte(`{"schema":"` + verifier.TranscriptSchema + `","verdict":"verified","steps":[],"requests":[]}`))
	f.Add([]byte(`{"schema":"` + verifier.TranscriptSchema + `","steps":[{"id":"x","verdict":"fail"}],"versions":{"root":-1},"targets":[{}],"failure":{"step":"x"}}`))
	f.Add([]byte(`{"schema":"other"}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := verifier.ParseTranscript(b)
		if err != nil {
			return
		}
		again, err := verifier.ParseTranscript(tr.JSON())
		if err != nil {
			t.Fatalf("an accepted transcript does not read back: %v", err)
		}
		if again.OK() != tr.OK() {
			t.Fatal("verdict changed on a round trip")
		}
		_ = tr.Text()
		for _, c := range []verifier.Control{verifier.ControlTransport, verifier.ControlSignature, verifier.ControlFreshness, verifier.ControlRollback} {
			_ = tr.StepsFor(c)
		}
	})
}
