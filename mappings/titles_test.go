package mappings

import (
	"slices"
	"testing"
)

func TestTitleAccessors(t *testing.T) {
	s := mustSet(t)
	steps := []string{"Build and sign", "Publish", "Check for updates", "Retrieve", "Verify", "Install", "Record status"}
	for i, want := range steps {
		if got := s.StepTitle(i + 1); got != want {
			t.Errorf("StepTitle(%d) = %q, want %q", i+1, got, want)
		}
	}
	for _, n := range []int{0, 8, -1} {
		if got := s.StepTitle(n); got != "" {
			t.Errorf("StepTitle(%d) = %q, want empty", n, got)
		}
	}
	if got := s.Title("cra/annex-vii/6"); got != "Test reports" {
		t.Errorf("Title(cra/annex-vii/6) = %q", got)
	}
	if got := s.Title("cra/nope"); got != "" {
		t.Errorf("Title of an unknown ID = %q, want empty", got)
	}
	ids := func(es []Entry) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	if got := ids(s.Children("cra/annex-vii")); len(got) != 8 || got[0] != "cra/annex-vii/1" || got[7] != "cra/annex-vii/8" {
		t.Errorf("Children(cra/annex-vii) = %v, want points 1 to 8", got)
	}
	got := ids(s.Children("cra/annex-i/part-i/2"))
	if len(got) != 13 || got[0] != "cra/annex-i/part-i/2/a" || got[12] != "cra/annex-i/part-i/2/m" {
		t.Errorf("Children(cra/annex-i/part-i/2) = %v, want (a) to (m)", got)
	}
	if slices.Contains(ids(s.Children("cra/annex-i/part-i")), "cra/annex-i/part-i/2/a") {
		t.Error("Children goes more than one level down")
	}
	if s.Children("cra/annex-i/part-i/1") != nil {
		t.Error("a leaf has children")
	}
}
