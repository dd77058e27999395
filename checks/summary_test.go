package checks

import (
	"strconv"
	"strings"
	"testing"
)

func TestSummaryLineCountsEveryStatus(t *testing.T) {
	statuses := []Status{Pass, Fail, Declared, Missing, NotApplicable, Waived, Error}
	var s Summary
	// A different count per status, so a status left out or swapped shows.
	for i, st := range statuses {
		for n := 0; n <= i; n++ {
			s.Add(st)
		}
	}
	if got, want := s.Total(), 1+2+3+4+5+6+7; got != want {
		t.Fatalf("Total = %d, want %d", got, want)
	}
	line := s.Line()
	sum := 0
	for _, part := range strings.Split(line, ", ") {
		n, err := strconv.Atoi(strings.Fields(part)[0])
		if err != nil {
			t.Fatalf("part %q of %q: %v", part, line, err)
		}
		sum += n
	}
	if sum != s.Total() {
		t.Errorf("the line %q adds up to %d, not every result (%d)", line, sum, s.Total())
	}
	for _, st := range statuses {
		word := strings.ReplaceAll(string(st), "_", " ")
		if want := strconv.Itoa(s.Count(st)) + " " + word; !strings.Contains(line, want) {
			t.Errorf("the line %q lacks %q", line, want)
		}
	}
	r := &Report{Summary: s, Outcome: "failed"}
	if got := r.SummaryLine(); got != line+": failed" {
		t.Errorf("SummaryLine = %q", got)
	}
}
