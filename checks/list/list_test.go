package list

import (
	"regexp"
	"testing"
)

var idRE = regexp.MustCompile(`^[a-z0-9-]+/[a-z0-9-]+$`)

func TestIDsAreStableAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		i := c.Info()
		if !idRE.MatchString(i.ID) {
			t.Errorf("check ID %q is not <area>/<name> in lowercase", i.ID)
		}
		if seen[i.ID] {
			t.Errorf("check ID %q listed twice", i.ID)
		}
		seen[i.ID] = true
		if i.Version < 1 || i.Title == "" || i.Description == "" || i.Remediation == "" {
			t.Errorf("%s: version, title, description and remediation are required", i.ID)
		}
		if i.Step < 1 || i.Step > 7 {
			t.Errorf("%s: ENISA step %d out of 1..7", i.ID, i.Step)
		}
		if len(i.MapsTo) == 0 {
			t.Errorf("%s: maps to no catalogue entry", i.ID)
		}
		if i.Basis != "cra" && i.Basis != "practice" {
			t.Errorf("%s: basis %q", i.ID, i.Basis)
		}
	}
	if len(seen) == 0 {
		t.Fatal("no checks listed")
	}
}
