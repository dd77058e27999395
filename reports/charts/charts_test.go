package charts

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
)

func TestSupportStaysOnePage(t *testing.T) {
	at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 2, 20, 48, 500} {
		s := &reports.Support{At: at}
		for i := range n {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, 0)
			s.Batches = append(s.Batches, reports.SupportBatch{ID: fmt.Sprintf("B%03d", i), Start: start, End: start.AddDate(5, 0, 0)})
		}
		c := Support(s)
		// Drawn at 180 mm wide, a chart must fit the 262 mm of a page.
		if h := c.Height * 180 / c.Width; h > 262 {
			t.Errorf("%d batches: chart %.0f mm high", n, h)
		}
		svg := c.SVG()
		if n > MaxBatches && !strings.Contains(svg, fmt.Sprintf("and %d later batches", n-MaxBatches)) {
			t.Errorf("%d batches: the chart does not say it left some out", n)
		}
		if !strings.Contains(svg, "until "+reports.MonthYear(s.Batches[0].End)) {
			t.Errorf("%d batches: no end date label", n)
		}
	}
}

func TestStepsShowEveryStep(t *testing.T) {
	svg := Steps([]reports.StepGroup{{Step: 5, Name: "Verify", Summary: checks.Summary{Pass: 2, Fail: 1}}}).SVG()
	for step := 1; step <= 7; step++ {
		if !strings.Contains(svg, fmt.Sprintf(">%d. %s<", step, reports.StepName(step))) {
			t.Errorf("step %d is not drawn", step)
		}
	}
	if strings.Count(svg, "no checks") != 6 {
		t.Error("steps without checks are not marked")
	}
	if !strings.Contains(svg, "<title>step 5: 1 fail</title>") {
		t.Error("the failing part of step 5 is not drawn")
	}
}

func TestVulnsEscapesText(t *testing.T) {
	svg := Vulns([]reports.Vuln{{ID: "x", Severity: "high", VEX: `<script>"`}, {ID: "y", Severity: "moderate", VEX: "fixed"}}).SVG()
	if strings.Contains(svg, "<script>") {
		t.Error("VEX text is not escaped in SVG")
	}
	for _, want := range []string{"<title>high: 1 no VEX statement</title>", "<title>medium: 1 fixed</title>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}
