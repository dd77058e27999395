package vex

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/shared"
	"github.com/craudit/craudit/fixtures/thermostat"
)

var _ = context.Background

const sbomDoc = `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"bom-ref":"product","type":"firmware","name":"fw","version":"1","purl":"pkg:generic/fw@1"}},"components":[
 {"bom-ref":"bb","type":"library","name":"busybox","version":"1.36.1-r16","purl":"pkg:apk/alpine/busybox@1.36.1-r16?arch=x86_64&distro=alpine-3.19.1"},
 {"bom-ref":"az","type":"library","name":"azidentity","version":"v1.5.2","purl":"pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azidentity@v1.5.2"}]}`

func report() *vuln.Report {
	return &vuln.Report{Schema: vuln.Schema, Scanned: true, Findings: []vuln.Finding{
		{ID: "ALPINE-CVE-2023-42363", Aliases: []string{"CVE-2023-42363"}, Severity: vuln.SeverityUnknown,
			Component: vuln.Component{Ref: "bb", Name: "busybox", Version: "1.36.1-r16", PURL: "pkg:apk/alpine/busybox@1.36.1-r16?arch=x86_64&distro=alpine-3.19.1"}, FixedVersion: "1.36.1-r17"},
		{ID: "GO-2024-2918", Aliases: []string{"CVE-2024-35255", "GHSA-m5vv-6r4h-3vj9"}, Severity: vuln.SeverityUnknown,
			Component: vuln.Component{Ref: "az", Name: "azidentity", Version: "v1.5.2"}, FixedVersion: "1.6.0"},
	}}
}

func openvex(statements string) []byte {
	return []byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.org/vex/1","author":"x","timestamp":"2024-03-04T09:00:00Z","version":1,"statements":[` + statements + `]}`)
}

func row(t *testing.T, tb *Table, id string) Row {
	t.Helper()
	for _, r := range tb.Rows {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no row %s", id)
	return Row{}
}

func TestApply(t *testing.T) {
	tests := []struct {
		name       string
		statements string
		status     string
		suppressed bool
		unmatched  int
		invalid    int
	}{
		{"no statements", ``, StatusNone, false, 0, 0},
		{"not_affected with justification, alias name, reordered and encoded qualifiers",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:generic/fw@1","subcomponents":[{"@id":"pkg:apk/Alpine/busybox@1.36.1-r16?distro=alpine-3.19.1&arch=x86%5F64"}]}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}`,
			"not_affected", true, 0, 0},
		{"not_affected without justification is invalid",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:apk/alpine/busybox@1.36.1-r16"}],"status":"not_affected","impact_statement":"trust me"}`,
			StatusNone, false, 0, 1},
		{"under_investigation stays open",
			`{"vulnerability":{"name":"ALPINE-CVE-2023-42363"},"products":[{"@id":"pkg:apk/alpine/busybox"}],"status":"under_investigation"}`,
			"under_investigation", false, 0, 0},
		{"other version does not match",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:apk/alpine/busybox@1.36.1-r15"}],"status":"not_affected","justification":"component_not_present"}`,
			StatusNone, false, 1, 0},
		{"other arch qualifier does not match",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:apk/alpine/busybox@1.36.1-r16?arch=aarch64"}],"status":"not_affected","justification":"component_not_present"}`,
			StatusNone, false, 1, 0},
		{"another vendor's product with the same subcomponent is unmatched",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:oci/trivy","subcomponents":[{"@id":"pkg:apk/alpine/busybox"}]}],"status":"not_affected","justification":"component_not_present"}`,
			StatusNone, false, 1, 0},
		{"statement about the whole product",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:generic/fw@1"}],"status":"not_affected","justification":"inline_mitigations_already_exist"}`,
			"not_affected", true, 0, 0},
		{"unknown product is unmatched",
			`{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:npm/left-pad@1.3.0"}],"status":"not_affected","justification":"component_not_present"}`,
			StatusNone, false, 1, 0},
		{"newest statement wins",
			`{"vulnerability":{"name":"CVE-2023-42363"},"timestamp":"2024-01-01T00:00:00Z","products":[{"@id":"pkg:apk/alpine/busybox"}],"status":"not_affected","justification":"component_not_present"},
			 {"vulnerability":{"name":"CVE-2023-42363"},"timestamp":"2024-02-01T00:00:00Z","products":[{"@id":"pkg:apk/alpine/busybox"}],"status":"affected","action_statement":"update"}`,
			"affected", false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse("vex/test.json", openvex(tt.statements))
			if err != nil {
				t.Fatal(err)
			}
			tb, err := Apply([]byte(sbomDoc), report(), []*Document{d})
			if err != nil {
				t.Fatal(err)
			}
			r := row(t, tb, "ALPINE-CVE-2023-42363")
			if r.Status != tt.status || r.Suppressed != tt.suppressed {
				t.Errorf("status %s suppressed %v, want %s %v", r.Status, r.Suppressed, tt.status, tt.suppressed)
			}
			if len(tb.Unmatched) != tt.unmatched || len(tb.Invalid) != tt.invalid {
				t.Errorf("unmatched %+v invalid %+v", tb.Unmatched, tb.Invalid)
			}
			if len(tb.Rows) != 2 {
				t.Errorf("%d rows, want every finding kept", len(tb.Rows))
			}
		})
	}
}

func TestGoMixedCasePurl(t *testing.T) {
	d, err := Parse("v", openvex(`{"vulnerability":{"name":"CVE-2024-35255"},"products":[{"@id":"pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azidentity@v1.5.2"}],"status":"not_affected","justification":"vulnerable_code_not_present"}`))
	if err != nil {
		t.Fatal(err)
	}
	tb, err := Apply([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"az","name":"azidentity","version":"v1.5.2","purl":"pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azidentity@v1.5.2"}]}`), report(), []*Document{d})
	if err != nil {
		t.Fatal(err)
	}
	if r := row(t, tb, "GO-2024-2918"); !r.Suppressed {
		t.Errorf("row %+v", r)
	}
	// Go module paths are case-sensitive: a lower-cased path is another module.
	d2, _ := Parse("v", openvex(`{"vulnerability":{"name":"CVE-2024-35255"},"products":[{"@id":"pkg:golang/github.com/azure/azure-sdk-for-go/sdk/azidentity@v1.5.2"}],"status":"not_affected","justification":"vulnerable_code_not_present"}`))
	tb, _ = Apply([]byte(sbomDoc), report(), []*Document{d2})
	if len(tb.Unmatched) != 1 {
		t.Errorf("lower-cased Go path matched: %+v", tb.Unmatched)
	}
}

func TestDemoVEX(t *testing.T) {
	b, err := thermostat.VEX("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse("vex/"+thermostat.VEXName("1.0.1"), b)
	if err != nil {
		t.Fatal(err)
	}
	demoSBOM := strings.Replace(sbomDoc, "pkg:generic/fw@1", thermostat.FirmwarePURL("1.0.1"), 1)
	tb, err := Apply([]byte(demoSBOM), report(), []*Document{d})
	if err != nil {
		t.Fatal(err)
	}
	r := row(t, tb, "ALPINE-CVE-2023-42363")
	if r.Status != "not_affected" || !r.Suppressed || r.Justification == "" {
		t.Errorf("demo row %+v", r)
	}
	// The test SBOM holds busybox only: the demo's openssl statement
	// (CVE-2024-2511, affected) has nothing to match here and is listed.
	for _, u := range tb.Unmatched {
		if u.Vulnerability != "CVE-2024-2511" {
			t.Errorf("demo VEX: unmatched %+v", u)
		}
	}
	if len(tb.Invalid) != 0 {
		t.Errorf("demo VEX: invalid %+v", tb.Invalid)
	}
}

func TestParseRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not json": "nope", "not openvex": `{"a":1}`, "trailing": string(openvex("")) + "{}",
	} {
		if _, err := Parse(name, []byte(in)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestRealOpenVEX(t *testing.T) {
	dir := shared.Testdata(t, "vex", "openvex")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(e.Name(), b)
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		// Against an SBOM that holds none of its products, every valid
		// statement is unmatched: none is silently ignored.
		tb, err := Apply([]byte(sbomDoc), report(), []*Document{d})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(tb.Unmatched) + len(tb.Invalid); got != len(d.VEX.Statements) {
			t.Errorf("%s: %d statements, %d reported", e.Name(), len(d.VEX.Statements), got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(openvex(`{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"pkg:apk/alpine/x@1"}],"status":"fixed"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse("f", b)
		if err != nil {
			return
		}
		if _, err := Apply([]byte(sbomDoc), report(), []*Document{d}); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzPURL(f *testing.F) {
	f.Add("pkg:apk/alpine/busybox@1.36.1-r16?arch=x86_64&distro=alpine-3.19.1")
	f.Add("pkg:golang/github.com/Azure/x@v1%2B2#sub/path")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := sbom.ParsePURL(s)
		if err != nil {
			return
		}
		if !p.Matches(p) {
			t.Fatalf("%q does not match itself", s)
		}
	})
}

var _ = json.Marshal

// TestParseCSAFVEX: a CSAF VEX document is read with its justifications,
// impact statements and product IDs kept; other CSAF profiles and broken
// documents are refused with the file named.
func TestParseCSAFVEX(t *testing.T) {
	dir := shared.Testdata(t, "vex", "csaf")
	b, err := os.ReadFile(filepath.Join(dir, "sec-vex-2022-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse("vex/sec-vex-2022-0001.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.VEX.Statements) != 3 || len(d.Locations) != 3 {
		t.Fatalf("%d statements, %d locations", len(d.VEX.Statements), len(d.Locations))
	}
	for _, s := range d.VEX.Statements {
		if s.Status != "not_affected" || s.Justification != "component_not_present" || s.ImpactStatement == "" ||
			s.Products[0].Component.ID != "CSAFPID-0001" {
			t.Errorf("statement %+v", s)
		}
	}
	if got := d.location(1); got != "vex/sec-vex-2022-0001.json#vulnerabilities[1].product_status.known_not_affected[0]" {
		t.Errorf("location %q", got)
	}
	broken := bytes.Replace(b, []byte(`"csaf_vex"`), []byte(`"csaf_security_advisory"`), 1)
	if _, err := Parse("vex/x.json", broken); err == nil || !strings.HasPrefix(err.Error(), "vex/x.json: ") {
		t.Errorf("a security advisory as VEX: %v", err)
	}
	dup := bytes.Replace(b, []byte(`"csaf_version": "2.0"`), []byte(`"csaf_version": "2.0", "csaf_version": "2.0"`), 1)
	if _, err := Parse("vex/x.json", dup); err == nil || !strings.Contains(err.Error(), "duplicate key") {
		t.Errorf("duplicate key: %v", err)
	}
}
