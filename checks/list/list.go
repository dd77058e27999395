package list

import (
	"slices"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/artefactcheck"
	"github.com/craudit/craudit/checks/attackcheck"
	"github.com/craudit/craudit/checks/declare"
	"github.com/craudit/craudit/checks/fleetcheck"
	"github.com/craudit/craudit/checks/manifestcheck"
	"github.com/craudit/craudit/checks/productcheck"
	"github.com/craudit/craudit/checks/provcheck"
	"github.com/craudit/craudit/checks/sbomcheck"
	"github.com/craudit/craudit/checks/verifiercheck"
)

// All returns every check, sorted by ID.
func All() []checks.Check {
	var all []checks.Check
	for _, area := range [][]checks.Check{
		manifestcheck.Checks(),
		productcheck.Checks(),
		declare.Checks(),
		verifiercheck.Checks(),
		sbomcheck.Checks(),
		attackcheck.Checks(),
		provcheck.Checks(),
		artefactcheck.Checks(),
		fleetcheck.Checks(),
	} {
		all = append(all, area...)
	}
	slices.SortFunc(all, func(a, b checks.Check) int { return strings.Compare(a.Info().ID, b.Info().ID) })
	return all
}

// Infos describes every check, sorted by ID.
func Infos() []checks.Info {
	var out []checks.Info
	for _, c := range All() {
		out = append(out, c.Info())
	}
	return out
}
