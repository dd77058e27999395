package list

import (
	"fmt"

	"github.com/craudit/craudit/mappings"
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
		if i.Step < 0 || i.Step > 7 {
			t.Errorf("%s: ENISA step %d out of 0..7", i.ID, i.Step)
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

// TestMappingsResolve pins the contract between checks and catalogues: every
// check maps to at least one entry, every mapped ID exists, and every known
// ENISA recommendation is served by at least one check.
func TestMappingsResolve(t *testing.T) {
	set, err := mappings.Load()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, c := range All() {
		i := c.Info()
		if unknown := set.Unknown(i.MapsTo...); len(unknown) > 0 {
			t.Errorf("%s maps to unknown catalogue IDs %v", i.ID, unknown)
		}
		for _, id := range i.MapsTo {
			served[id] = true
		}
	}
	for _, rec := range mappings.KnownENISARecommendations() {
		if !served[rec] {
			t.Errorf("known ENISA recommendation %s has no check", rec)
		}
	}
	for step := 1; step <= 7; step++ {
		if id := fmt.Sprintf("enisa/step/%d", step); !served[id] {
			t.Errorf("%s has no check", id)
		}
	}
}
