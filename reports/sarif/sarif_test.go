package sarif

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/fixtures/shared"
	"github.com/craudit/craudit/reports/internal/reporttest"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files")

func render(t *testing.T, r *checks.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, r, Options{Lookup: reporttest.Lookup, Checks: reporttest.Infos(), BundleURI: "dist/bundle/"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	got := render(t, reporttest.Report())
	if again := render(t, reporttest.Report()); !bytes.Equal(got, again) {
		t.Fatal("two renderings of the same report differ")
	}
	golden := filepath.Join("testdata", "report.sarif")
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

func TestValidatesAgainstSARIFSchema(t *testing.T) {
	schemaPath := shared.Testdata(t, "schemas", "sarif-schema-2.1.0.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]*checks.Report{
		"full":  reporttest.Report(),
		"empty": {Results: []checks.Result{}},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, r)))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
		})
	}
	// The validator must be able to fail: a log without a version is invalid.
	inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"runs": []}`))
	if sch.Validate(inst) == nil {
		t.Fatal("schema accepted a log without version")
	}
}

// decoded is the part of the output the semantic tests look at.
type decoded struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID   string `json:"id"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
					Properties struct {
						Tags  []string `json:"tags"`
						Basis string   `json:"basis"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID       string `json:"ruleId"`
			RuleIndex    int    `json:"ruleIndex"`
			Kind         string `json:"kind"`
			Level        string `json:"level"`
			Suppressions []struct {
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			Properties struct {
				Status    string `json:"status"`
				FindingID string `json:"finding_id"`
			} `json:"properties"`
		} `json:"results"`
		Properties struct {
			Passed        []string `json:"passed"`
			NotApplicable []string `json:"not_applicable"`
		} `json:"properties"`
	} `json:"runs"`
}

func TestSemantics(t *testing.T) {
	var d decoded
	if err := json.Unmarshal(render(t, reporttest.Report()), &d); err != nil {
		t.Fatal(err)
	}
	run := d.Runs[0]
	rules := run.Tool.Driver.Rules
	if len(rules) != len(reporttest.Checks()) {
		t.Fatalf("%d rules, want one per check", len(rules))
	}
	for _, r := range rules {
		if r.ID == "vuln/known-exploitable" {
			if !strings.Contains(r.Help.Text, "cra/annex-i/part-i/2/a: No known exploitable vulnerabilities") || !strings.Contains(r.Help.Text, "Basis: CRA mandate") {
				t.Errorf("help lacks its CRA reference: %s", r.Help.Text)
			}
		}
	}
	type key struct{ rule, kind, level, status string }
	got := map[string]key{}
	for _, r := range run.Results {
		if rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("%s: ruleIndex %d points at %s", r.RuleID, r.RuleIndex, rules[r.RuleIndex].ID)
		}
		id := r.RuleID
		if r.Properties.FindingID != "" {
			id = r.Properties.FindingID
		}
		got[id] = key{r.RuleID, r.Kind, r.Level, r.Properties.Status}
		if len(r.Locations) != 1 || !strings.HasPrefix(r.Locations[0].PhysicalLocation.ArtifactLocation.URI, "dist/bundle/") {
			t.Errorf("%s: locations %+v", id, r.Locations)
		}
	}
	want := map[string]key{
		"vuln/known-exploitable#CVE-2023-42363@pkg:apk/alpine/busybox@1.36.1-r2": {"vuln/known-exploitable", "fail", "error", "fail"},
		"vuln/known-exploitable#GHSA-xxxx@pkg:golang/x@1":                        {"vuln/known-exploitable", "fail", "error", "waived"},
		"declare/key-storage":     {"declare/key-storage", "review", "none", "declared"},
		"declare/atomic-install":  {"declare/atomic-install", "fail", "error", "missing"},
		"product/cvd-policy":      {"product/cvd-policy", "fail", "error", "waived"},
		"product/doc-reference":   {"product/doc-reference", "fail", "error", "missing"},
		"sbom/bsi-fields#busybox": {"sbom/bsi-fields", "fail", "error", "fail"},
		"verifier/freshness":      {"verifier/freshness", "open", "none", "error"},
		"attack/rollback":         {"attack/rollback", "open", "none", "error"},
		"provenance/builder":      {"provenance/builder", "fail", "warning", "fail"},
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %+v, want %+v", id, got[id], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("results %v, want exactly %d", got, len(want))
	}
	if run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].Notifications) != 2 {
		t.Errorf("invocation %+v: two checks could not run", run.Invocations[0])
	}
	if strings.Join(run.Properties.Passed, ",") != "manifest/signature" || strings.Join(run.Properties.NotApplicable, ",") != "declare/automatic-updates" {
		t.Errorf("properties %+v", run.Properties)
	}
	for _, r := range run.Results {
		if r.Properties.Status == "waived" && (len(r.Suppressions) != 1 || r.Suppressions[0].Status != "accepted" || !strings.Contains(r.Suppressions[0].Justification, "approved by")) {
			t.Errorf("%s: waiver not carried as a suppression: %+v", r.RuleID, r.Suppressions)
		}
	}
}

func TestRuleName(t *testing.T) {
	if got := ruleName("declare/key-storage"); got != "DeclareKeyStorage" {
		t.Errorf("ruleName = %q", got)
	}
}

// FuzzMarshal: whatever text checks and findings carry, the log is JSON
// with one rule per check.
func FuzzMarshal(f *testing.F) {
	f.Add("fail: x", "sub*ject", "a\x00b")
	f.Add("<x>&amp;", "\xff\xfe", "`md`")
	f.Fuzz(func(t *testing.T, msg, finding, title string) {
		r := &checks.Report{Results: []checks.Result{
			{Check: "a/b", Title: title, Status: checks.Fail, Required: true, Message: msg, Findings: []checks.Finding{{ID: "a/b#" + finding, Subject: finding, Status: checks.Fail, Message: msg}}},
			{Check: "c/d", Title: title, Status: checks.Error, Message: msg},
		}}
		b, err := Marshal(r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var d decoded
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Runs[0].Tool.Driver.Rules) != 2 || len(d.Runs[0].Results) != 2 {
			t.Fatalf("rules/results = %d/%d", len(d.Runs[0].Tool.Driver.Rules), len(d.Runs[0].Results))
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	r, o := reporttest.Report(), Options{Lookup: reporttest.Lookup, Checks: reporttest.Infos()}
	for b.Loop() {
		if _, err := Marshal(r, o); err != nil {
			b.Fatal(err)
		}
	}
}
