package attackrun_test

import (
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
)

// FuzzParse: attack results come from a bundle, a dossier or the command
// line. Parse never panics, never returns an empty list or a nil run without
// an error, and what it accepts renders and parses again as a set.
func FuzzParse(f *testing.F) {
	f.Add(demoList(f))
	f.Add(demoSet(f))
	f.Add([]byte(demoRuns(f)[0]))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[null]`))
	f.Add([]byte(`{"schema":"` + attackrun.SetSchema + `","runs":[{"schema":"` + attackrun.Schema + `","profile":"tuf","scenarios":[{"expect":"accept","verdict":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		runs, err := attackrun.Parse(b)
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
			_ = r.JUnit()
		}
		again, err := attackrun.Parse(attackrun.NewSet(runs...).JSON())
		if err != nil || len(again) != len(runs) {
			t.Fatalf("accepted runs do not parse again: %v", err)
		}
	})
}

// FuzzReadFile: an attack-results attestation is as hostile as a plain
// file. ReadFile never panics; what it accepts has runs, the subjects of a
// signed file are those the runs bind, and Inconsistencies never panics.
func FuzzReadFile(f *testing.F) {
	k, err := keys.FromSeed(keys.Ed25519, []byte("fuzz"))
	if err != nil {
		f.Fatal(err)
	}
	signed, err := attackrun.Sign(demoSet(f), k, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add(demoSet(f))
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := attackrun.ReadFile(b)
		if err != nil {
			if file != nil {
				t.Fatal("a file with an error")
			}
			return
		}
		if len(file.Runs) == 0 {
			t.Fatal("no run and no error")
		}
		if file.Signed() && !attest.SameSubjects(file.Attestation.Statement.Subject, attackrun.Subjects(file.Runs)) {
			t.Fatal("accepted subjects that are not the runs'")
		}
		for _, r := range file.Runs {
			_ = r.Inconsistencies()
		}
	})
}
