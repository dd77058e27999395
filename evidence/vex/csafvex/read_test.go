package csafvex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/craudit/craudit/fixtures/shared"
)

// minimalVEX is testdata/minimal.json, a small valid csaf_vex document: one
// product in a branch, a component of it by relationship, one vulnerability
// with all four statuses' rules exercised (known_not_affected with flag and
// impact, known_affected with a remediation).
var minimalVEX = func() string {
	b, err := os.ReadFile(filepath.Join("testdata", "minimal.json"))
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// TestReadOASISExamples reads the OASIS CSAF VEX examples: every product
// status becomes a statement, justifications, impact and action statements kept.
func TestReadOASISExamples(t *testing.T) {
	dir := shared.Testdata(t, "vex", "csaf")
	for _, tc := range []struct {
		file   string
		counts map[govex.Status]int
	}{
		{"sec-vex-2022-0001.json", map[govex.Status]int{govex.StatusNotAffected: 3}},
		{"2022-evd-uc-03-ms-001.json", map[govex.Status]int{govex.StatusAffected: 5, govex.StatusFixed: 3, govex.StatusNotAffected: 6, govex.StatusUnderInvestigation: 5}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !IsCSAF(b) {
				t.Fatal("IsCSAF = false")
			}
			s, err := Read(b)
			if err != nil {
				t.Fatal(err)
			}
			counts := map[govex.Status]int{}
			for i, st := range s.VEX.Statements {
				counts[st.Status]++
				if !strings.HasPrefix(s.Locations[i], "vulnerabilities[") || !strings.HasPrefix(string(st.Vulnerability.Name), "CVE-") ||
					st.Products[0].Component.ID != "CSAFPID-0001" {
					t.Errorf("statement %d at %s: %+v", i, s.Locations[i], st)
				}
				switch st.Status {
				case govex.StatusNotAffected:
					if st.ImpactStatement == "" {
						t.Errorf("%s: not_affected without its impact statement", s.Locations[i])
					}
				case govex.StatusAffected:
					if st.ActionStatement == "" {
						t.Errorf("%s: affected without its action statement", s.Locations[i])
					}
				}
			}
			for k, n := range tc.counts {
				if counts[k] != n {
					t.Errorf("%s: %d statements, want %d", k, counts[k], n)
				}
			}
			if len(counts) != len(tc.counts) {
				t.Errorf("statuses %v", counts)
			}
		})
	}
}

// TestReadRelationship: a component of a product (relationship) becomes the
// product with the component as a subcomponent, package URLs and IDs kept.
func TestReadRelationship(t *testing.T) {
	s, err := Read([]byte(minimalVEX))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.VEX.Statements) != 2 || s.VEX.Author != "Example GmbH" || s.VEX.Version != 1 {
		t.Fatalf("%+v", s.VEX)
	}
	for _, st := range s.VEX.Statements {
		p := st.Products[0]
		if p.Component.ID != "box-2.0" || p.Component.Identifiers[govex.PURL] != "pkg:generic/box@2.0" || len(p.Subcomponents) != 1 {
			t.Errorf("product %+v", p)
		}
		if st.Vulnerability.Name != "CVE-2026-0001" || len(st.Vulnerability.Aliases) != 1 {
			t.Errorf("vulnerability %+v", st.Vulnerability)
		}
		switch st.Status {
		case govex.StatusNotAffected:
			if st.Justification != "vulnerable_code_not_in_execute_path" || st.ImpactStatement != "Box never inflates untrusted data." ||
				p.Subcomponents[0].Identifiers[govex.PURL] != "pkg:apk/alpine/zlib@1.3" {
				t.Errorf("not affected %+v", st)
			}
		case govex.StatusAffected:
			if st.ActionStatement != "none_available: Wait for Box 2.1." || p.Subcomponents[0].ID != "curl-8.0" {
				t.Errorf("affected %+v", st)
			}
		default:
			t.Errorf("status %s", st.Status)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"not CSAF", `{"document":{"csaf_version":"2.0"}}`, "schema"},
		{"trailing data", minimalVEX + "{}", "after the JSON"},
		{"duplicate key", strings.Replace(minimalVEX, `"title": "Example VEX",`, `"title": "Example VEX", "title": "Other",`, 1), "duplicate key"},
		{"security advisory", strings.Replace(minimalVEX, `"csaf_vex"`, `"csaf_security_advisory"`, 1), "not csaf_vex"},
		{"affected without action", strings.Replace(minimalVEX, `"product_ids": ["box-2.0:curl-8.0"]}]}`, `"product_ids": ["box-2.0:zlib-1.3"]}]}`, 1), "6.1.27.10"},
		{"deep nesting", strings.Repeat("[", 100) + strings.Repeat("]", 100), "nested deeper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Read([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
