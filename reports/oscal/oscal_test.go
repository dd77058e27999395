package oscal

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/defenseunicorns/go-oscal/src/pkg/validation"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

func TestAssessmentResults(t *testing.T) {
	j := dossiertest.Judge(t, dossiertest.Options{})
	var a, b bytes.Buffer
	if err := (Renderer{}).Render(&a, j.Data()); err != nil {
		t.Fatal(err)
	}
	(Renderer{}).Render(&b, j.Data())
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two renderings differ: UUIDs or order are not stable")
	}
	v, err := validation.NewValidator(a.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Validate(); err != nil {
		res, _ := v.GetValidationResult()
		t.Fatalf("not valid OSCAL: %v %+v", err, res.Errors)
	}
	var doc struct {
		AR struct {
			Results []struct {
				Observations []struct {
					UUID  string `json:"uuid"`
					Title string `json:"title"`
				} `json:"observations"`
				Findings []struct {
					UUID  string `json:"uuid"`
					Title string `json:"title"`
				} `json:"findings"`
			} `json:"results"`
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(a.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.AR.Results[0]
	if len(r.Observations) != len(j.Report.Results) {
		t.Errorf("%d observations for %d checks", len(r.Observations), len(j.Report.Results))
	}
	fails := 0
	for _, res := range j.Report.Results {
		if res.Status == checks.Fail || res.Status == checks.Missing {
			fails++
		}
	}
	if fails == 0 || len(r.Findings) < fails {
		t.Errorf("%d findings for %d failing checks", len(r.Findings), fails)
	}
	if want := ID("observation", "thermo-demo-st100@1.0.1/attack/freeze"); !strings.Contains(a.String(), want) {
		t.Errorf("observation UUID is not derived from the check ID (want %s)", want)
	}
	if ID("finding", "x") == ID("finding", "y") || ID("finding", "x") != ID("finding", "x") {
		t.Error("IDs are not a function of their name")
	}
}
