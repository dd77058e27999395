package transcript_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/runset"
	"github.com/craudit/craudit/evidence/transcript"
)

// demoSet is live/transcript.json of `craudit demo`: a manifest and a TUF run.
func demoSet(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/demo-set.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstRun is the demo's first run on its own, as `craudit verify --format json` writes it.
func firstRun(t testing.TB) []byte {
	t.Helper()
	var set struct {
		Runs []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(demoSet(t), &set); err != nil {
		t.Fatal(err)
	}
	return set.Runs[0]
}

// edit changes the demo's first run with f and encodes it again.
func edit(t *testing.T, f func(*transcript.Run)) []byte {
	t.Helper()
	runs, err := transcript.Parse(firstRun(t))
	if err != nil {
		t.Fatal(err)
	}
	f(runs[0])
	return runs[0].JSON()
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name     string
		in       []byte
		profiles []transcript.Profile
	}{
		{"the demo's set", demoSet(t), []transcript.Profile{transcript.ProfileManifest, transcript.ProfileTUF}},
		{"one run", firstRun(t), []transcript.Profile{transcript.ProfileManifest}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs, err := transcript.Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) != len(c.profiles) {
				t.Fatalf("%d runs, want %d", len(runs), len(c.profiles))
			}
			for i, r := range runs {
				if r.Profile != c.profiles[i] || !r.OK() || len(r.Steps) == 0 || len(r.Requests) == 0 {
					t.Errorf("run %d: profile %s, verdict %s, %d steps, %d requests", i, r.Profile, r.Verdict, len(r.Steps), len(r.Requests))
				}
			}
		})
	}
}

// TestRoundTrip: what Parse reads, the writers write again byte for byte.
func TestRoundTrip(t *testing.T) {
	runs, err := transcript.Parse(demoSet(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := transcript.NewSet(runs...).JSON(); !bytes.Equal(got, demoSet(t)) {
		t.Errorf("the set does not encode to the same bytes")
	}
	one, err := transcript.Parse(runs[1].JSON())
	if err != nil || len(one) != 1 || !bytes.Equal(one[0].JSON(), runs[1].JSON()) {
		t.Errorf("a lone run does not read back as itself: %v", err)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		want any
	}{
		{"a bare list of runs", append(append([]byte("["), firstRun(t)...), ']'), &runset.DecodeError{}},
		{"unknown profile", edit(t, func(r *transcript.Run) { r.Profile = "ostree" }), &runset.DecodeError{}},
		{"unknown run verdict", edit(t, func(r *transcript.Run) { r.Verdict = "ok" }), &runset.DecodeError{}},
		{"unknown step verdict", edit(t, func(r *transcript.Run) { r.Steps[1].Verdict = "passed" }), &runset.DecodeError{}},
		{"unknown control", edit(t, func(r *transcript.Run) { r.Steps[0].Control = "" }), &runset.DecodeError{}},
		{"another format", edit(t, func(r *transcript.Run) { r.Schema = "https://craudit.dev/schema/attack-results/v1" }), &runset.SchemaError{}},
		{"too large", append(firstRun(t), bytes.Repeat([]byte(" "), transcript.MaxSize)...), &runset.SizeError{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs, err := transcript.Parse(c.in)
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

func TestRunMethods(t *testing.T) {
	r := &transcript.Run{}
	r.Add(transcript.Step{ID: "transport/scheme", Control: transcript.ControlTransport, Verdict: transcript.Pass})
	r.Add(transcript.Step{ID: "root/signature", Control: transcript.ControlSignature, Verdict: transcript.Fail, Detail: "first"})
	r.Add(transcript.Step{ID: "root/signature", Control: transcript.ControlSignature, Verdict: transcript.Fail, Detail: "second"})
	if r.Failure == nil || r.Failure.Reason != "first" || r.Failure.Control != transcript.ControlSignature {
		t.Errorf("failure %+v: the first failing step names it", r.Failure)
	}
	if got := r.StepsFor(transcript.ControlSignature); len(got) != 2 {
		t.Errorf("StepsFor: %d steps", len(got))
	}
	if s, ok := r.Step("root/signature"); !ok || s.Detail != "second" {
		t.Errorf("Step: %+v %v, want the last", s, ok)
	}
	if _, ok := r.Step("nope"); ok {
		t.Error("Step found a step that is not there")
	}
	if r.OK() {
		t.Error("a run without the verified verdict is OK")
	}
}

func TestText(t *testing.T) {
	runs, err := transcript.Parse(demoSet(t))
	if err != nil {
		t.Fatal(err)
	}
	txt := runs[1].Text()
	for _, want := range []string{"tuf repository https://", ": VERIFIED\n", "reference time 2026-01-01T00:00:00Z (SOURCE_DATE_EPOCH)", "\nsteps:\n", "\ntargets:\n", " requests:\n"} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
}
