package attackrun_test

import (
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
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
