package attackrun_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"regexp"
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/runset"
)

// demoList is live/attack-results.json as `craudit demo` wrote it before
// the set shape: a bare JSON list of a TUF and a manifest run.
func demoList(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/demo-list.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// demoRuns are the demo's runs, each as its own JSON object.
func demoRuns(t testing.TB) []json.RawMessage {
	t.Helper()
	var raws []json.RawMessage
	if err := json.Unmarshal(demoList(t), &raws); err != nil {
		t.Fatal(err)
	}
	return raws
}

// demoSet is the demo's runs in the set shape written from now on.
func demoSet(t testing.TB) []byte {
	t.Helper()
	return []byte(`{"schema":"` + attackrun.SetSchema + `","runs":[` + string(demoRuns(t)[0]) + `,` + string(demoRuns(t)[1]) + `]}`)
}

func edit(t *testing.T, f func(*attackrun.Run)) []byte {
	t.Helper()
	runs, err := attackrun.Parse(demoRuns(t)[1])
	if err != nil {
		t.Fatal(err)
	}
	f(runs[0])
	return runs[0].JSON()
}

// TestParse reads every shape the file has had: the set, one run, a bare list.
func TestParse(t *testing.T) {
	both := []attackrun.Profile{attackrun.ProfileTUF, attackrun.ProfileManifest}
	for _, c := range []struct {
		name     string
		in       []byte
		profiles []attackrun.Profile
	}{
		{"set", demoSet(t), both},
		{"one run", demoRuns(t)[1], []attackrun.Profile{attackrun.ProfileManifest}},
		{"bare list (before the set shape)", demoList(t), both},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs, err := attackrun.Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != len(c.profiles) {
				t.Fatalf("%d runs, want %d", len(runs), len(c.profiles))
			}
			for i, r := range runs {
				if r.Profile != c.profiles[i] || !r.OK() || len(r.Scenarios) != r.Summary.Total || r.Tool.Name != "craudit" {
					t.Errorf("run %d: profile %s, OK %v, %d scenarios, summary %+v", i, r.Profile, r.OK(), len(r.Scenarios), r.Summary)
				}
			}
		})
	}
}

// TestWriteSet: the set writer writes the set shape, and the runs read back
// equal to the ones in the old bare list.
func TestWriteSet(t *testing.T) {
	old, err := attackrun.Parse(demoList(t))
	if err != nil {
		t.Fatal(err)
	}
	b := attackrun.NewSet(old...).JSON()
	var head struct {
		Schema string            `json:"schema"`
		Runs   []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(b, &head); err != nil || head.Schema != attackrun.SetSchema || len(head.Runs) != 2 {
		t.Fatalf("set: schema %q, %d runs, %v", head.Schema, len(head.Runs), err)
	}
	back, err := attackrun.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range old {
		if !bytes.Equal(back[i].JSON(), old[i].JSON()) {
			t.Errorf("run %d differs after the set round trip", i)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		want any
	}{
		{"unknown profile", edit(t, func(r *attackrun.Run) { r.Profile = "zeroconf" }), &runset.DecodeError{}},
		{"scenario without expectation", edit(t, func(r *attackrun.Run) { r.Scenarios[3].Expect = "" }), &runset.DecodeError{}},
		{"a transcript", []byte(`{"schema":"https://craudit.dev/schema/verifier-transcript/v1","profile":"tuf"}`), &runset.SchemaError{}},
		{"a run without schema in a list", []byte(`[{"profile":"tuf","scenarios":[]}]`), &runset.SchemaError{}},
		{"an empty list", []byte(`[]`), &runset.DecodeError{}},
		{"too large", append(demoList(t), bytes.Repeat([]byte("\n"), attackrun.MaxSize)...), &runset.SizeError{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs, err := attackrun.Parse(c.in)
			ok := false
			switch c.want.(type) {
			case *runset.DecodeError:
				var e *runset.DecodeError
				ok = errors.As(err, &e)
			case *runset.SchemaError:
				var e *runset.SchemaError
				ok = errors.As(err, &e)
			case *runset.SizeError:
				var e *runset.SizeError
				ok = errors.As(err, &e)
			}
			if !ok || runs != nil {
				t.Fatalf("got %v (%T), %d runs; want %T", err, err, len(runs), c.want)
			}
		})
	}
}

func TestSummariseAndRender(t *testing.T) {
	r := &attackrun.Run{Schema: attackrun.Schema, Profile: attackrun.ProfileTUF}
	r.Summarise()
	if r.Scenarios == nil || r.OK() {
		t.Fatalf("an empty run: scenarios %v, OK %v", r.Scenarios, r.OK())
	}
	for _, v := range []attackrun.Verdict{attackrun.Pass, attackrun.Vulnerable, attackrun.FunctionalFailure, attackrun.Inconclusive, "made-up"} {
		r.Scenarios = append(r.Scenarios, attackrun.Result{ID: "attack/tuf-" + string(v), Step: 3, Control: "signature-threshold", Expect: attackrun.Reject, Verdict: v, Detail: "d"})
	}
	r.Summarise()
	want := attackrun.Summary{Total: 5, Pass: 1, Vulnerable: 1, FunctionalFailure: 1, Inconclusive: 2}
	if r.Summary != want || r.OK() {
		t.Errorf("summary %+v, want %+v (an unknown verdict is not conclusive)", r.Summary, want)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(r.JUnit(), &suite); err != nil || suite.Tests != 5 || suite.Failures != 2 || suite.Errors != 2 ||
		suite.Cases[0].Classname != "enisa.step3.signature_threshold" {
		t.Errorf("junit %+v %v", suite, err)
	}
	txt := string(r.Text())
	for _, w := range []string{`\nprotected +attack/tuf-pass +3 +reject +d\n`, `\nVULNERABLE +attack/tuf-vulnerable`, `\n5 scenarios: 1 pass, 1 VULNERABLE, 1 functional failure, 2 inconclusive\n$`} {
		if !regexp.MustCompile(w).MatchString(txt) {
			t.Errorf("text lacks %q:\n%s", w, txt)
		}
	}
}
