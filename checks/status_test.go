package checks

import (
	"slices"
	"testing"
)

func TestStatusRank(t *testing.T) {
	want := []Status{Fail, Error, Missing, Waived, Declared, Pass, NotApplicable}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, func(a, b Status) int { return a.Rank() - b.Rank() })
	if !slices.Equal(got, want) {
		t.Errorf("sorted by Rank: %v, want %v", got, want)
	}
	for _, tc := range []struct {
		a, b Status
	}{
		{Fail, Error},           // a fail needs attention before an error, as in the exit code
		{Pass, NotApplicable},   // a group of a pass and a not_applicable is a pass
		{Status("bogus"), Fail}, // an unknown status fails closed: first
		{Status(""), Error},     // so does the zero value
		{Missing, Declared},     // no evidence before a declaration
		{Waived, Declared},      // a waived failure before a declaration
	} {
		if tc.a.Rank() >= tc.b.Rank() {
			t.Errorf("%q ranks %d, not before %q (%d)", tc.a, tc.a.Rank(), tc.b, tc.b.Rank())
		}
	}
}
