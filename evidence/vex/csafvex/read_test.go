package csafvex

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/craudit/craudit/fixtures/shared"
)

// TestReadOASISExamples reads the OASIS CSAF VEX examples: every product
// status becomes a statement, justifications and impact statements kept.
func TestReadOASISExamples(t *testing.T) {
	dir := shared.Testdata(t, "vex", "csaf")
	for _, tc := range []struct {
		file                              string
		statements, notAffected, withJust int
	}{
		{"sec-vex-2022-0001.json", 0, 0, 0},
		{"2022-evd-uc-03-ms-001.json", 0, 0, 0},
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
				t.Logf("%s %s %s %q %q %q", s.Locations[i], st.Vulnerability.Name, st.Status, st.Justification, st.ImpactStatement, st.Products[0].Component.ID)
			}
			t.Logf("%v", counts)
		})
	}
}

func TestReadRefusesOtherCategories(t *testing.T) {
	b := []byte(`{"document":{"csaf_version":"2.0"}}`)
	if _, err := Read(b); err == nil || !strings.Contains(err.Error(), "schema") {
		t.Fatalf("err = %v", err)
	}
}
