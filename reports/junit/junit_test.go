package junit

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports/internal/reporttest"
)

var update = flag.Bool("update", false, "rewrite golden files")

func render(t *testing.T, r *checks.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r, Options{Lookup: reporttest.Lookup}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	got := render(t, reporttest.Report())
	if again := render(t, reporttest.Report()); !bytes.Equal(got, again) {
		t.Fatal("two renderings of the same report differ")
	}
	golden := filepath.Join("testdata", "report.junit.xml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update after checking the change)", golden)
	}
}

func TestOneTestcasePerCheck(t *testing.T) {
	r := reporttest.Report()
	var ts testsuites
	if err := xml.Unmarshal(render(t, r), &ts); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	var suites []string
	sum := 0
	for _, s := range ts.Suites {
		suites = append(suites, s.Name)
		if s.Tests != len(s.Cases) {
			t.Errorf("%s: tests=%d for %d cases", s.Name, s.Tests, len(s.Cases))
		}
		sum += s.Tests
		for _, c := range s.Cases {
			k := "pass"
			switch {
			case c.Failure != nil:
				k = "failure:" + c.Failure.Type
			case c.Error != nil:
				k = "error"
			case c.Skipped != nil:
				k = "skipped"
			}
			if _, dup := kinds[c.Name]; dup {
				t.Errorf("%s: two testcases", c.Name)
			}
			kinds[c.Name] = k
		}
	}
	if sum != len(r.Results) || ts.Tests != sum {
		t.Errorf("%d testcases (%d in total attribute) for %d checks", sum, ts.Tests, len(r.Results))
	}
	want := map[string]string{
		"manifest/signature":        "pass",
		"declare/key-storage":       "pass",
		"vuln/known-exploitable":    "failure:fail",
		"sbom/bsi-fields":           "failure:fail",
		"declare/atomic-install":    "failure:missing",
		"product/doc-reference":     "failure:missing", // its waiver expired
		"product/cvd-policy":        "skipped",         // waived
		"declare/automatic-updates": "skipped",         // not applicable
		"provenance/builder":        "skipped",         // not required by policy
		"verifier/freshness":        "error",
		"attack/rollback":           "error",
	}
	for id, k := range want {
		if kinds[id] != k {
			t.Errorf("%s: %s, want %s", id, kinds[id], k)
		}
	}
	if strings.Join(suites, "|") != "enisa/step/1 build and sign|enisa/step/2 publish|enisa/step/3 check for updates|enisa/step/5 verify|enisa/step/6 install|general" {
		t.Errorf("suites = %v", suites)
	}
	if ts.Failures != 4 || ts.Errors != 2 || ts.Skipped != 3 {
		t.Errorf("totals failures=%d errors=%d skipped=%d", ts.Failures, ts.Errors, ts.Skipped)
	}
}

func TestHostileTextStillParses(t *testing.T) {
	r := &checks.Report{Results: []checks.Result{{Check: "x/y", Status: checks.Fail, Required: true,
		Message: "bad \x00\x1b[31m ]]> <tag> & \xff", Findings: []checks.Finding{{ID: "x/y#a", Status: checks.Fail, Message: "]]>]]>"}}}}}
	var ts testsuites
	if err := xml.Unmarshal(render(t, r), &ts); err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	f := ts.Suites[0].Cases[0].Failure
	if f == nil || !strings.Contains(f.Body, "]]>]]>") || !strings.Contains(f.Message, "<tag> &") {
		t.Errorf("failure = %+v", f)
	}
}

// FuzzMarshal: whatever text checks and findings carry (they quote
// untrusted metadata), the XML must parse and keep one testcase per check.
func FuzzMarshal(f *testing.F) {
	f.Add("fail: x", "]]>", "a\x00b")
	f.Add("<x>&amp;", "\xff\xfe", "\u2028")
	f.Fuzz(func(t *testing.T, msg, finding, title string) {
		r := &checks.Report{Results: []checks.Result{
			{Check: "a/b", Title: title, Status: checks.Fail, Required: true, Message: msg, Findings: []checks.Finding{{ID: "a/b#" + finding, Status: checks.Fail, Message: finding}}},
			{Check: "c/d", Title: title, Status: checks.Declared, Message: msg},
		}}
		b, err := Marshal(r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var ts testsuites
		if err := xml.Unmarshal(b, &ts); err != nil {
			t.Fatalf("output does not parse: %v\n%s", err, b)
		}
		if ts.Tests != 2 {
			t.Fatalf("tests = %d", ts.Tests)
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	r, o := reporttest.Report(), Options{Lookup: reporttest.Lookup}
	for b.Loop() {
		if _, err := Marshal(r, o); err != nil {
			b.Fatal(err)
		}
	}
}
