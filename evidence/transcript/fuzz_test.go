package transcript_test

import (
	"testing"

	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/transcript"
)

// FuzzParse: a transcript comes from a bundle or a dossier that may be
// hostile. Parse never panics, never returns an empty list or a nil run
// without an error, and what it accepts encodes and parses again.
func FuzzParse(f *testing.F) {
	f.Add(demoSet(f))
	f.Add(firstRun(f))
	f.Add([]byte(`{"schema":"` + transcript.SetSchema + `","runs":[null]}`))
	f.Add([]byte(`{"schema":"` + transcript.SetSchema + `","runs":[]}`))
	f.Add([]byte(`[{"schema":"` + transcript.Schema + `"}]`))
	f.Add([]byte(`{"schema":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		runs, err := transcript.Parse(b)
		if err != nil {
			if runs != nil {
				t.Fatal("runs with an error")
			}
			return
		}
		if len(runs) == 0 {
			t.Fatal("no run and no error")
		}
		for _, r := range runs {
			if r == nil {
				t.Fatal("nil run accepted")
			}
			_ = r.Text()
			_ = r.StepsFor(transcript.ControlSignature)
		}
		again, err := transcript.Parse(transcript.NewSet(runs...).JSON())
		if err != nil || len(again) != len(runs) {
			t.Fatalf("accepted runs do not parse again: %v", err)
		}
	})
}

// FuzzReadFile: a transcript attestation is as hostile as a plain file.
// ReadFile never panics; what it accepts has runs, and the subjects of a
// signed file are those the runs bind.
func FuzzReadFile(f *testing.F) {
	k, err := keys.FromSeed(keys.Ed25519, []byte("fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	signed, err := transcript.Sign(demoSet(f), k, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(firstRun(f))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := transcript.ReadFile(b)
		if err != nil {
			if file != nil {
				t.Fatal("a file with an error")
			}
			return
		}
		if len(file.Runs) == 0 {
			t.Fatal("no run and no error")
		}
		if file.Signed() && !attest.SameSubjects(file.Attestation.Statement.Subject, transcript.Subjects(file.Runs)) {
			t.Fatal("accepted subjects that are not the runs'")
		}
	})
}
