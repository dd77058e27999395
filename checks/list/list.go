package list

import (
	"slices"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/manifestcheck"
)

// All returns every check, sorted by ID.
func All() []checks.Check {
	var all []checks.Check
	for _, area := range [][]checks.Check{
		manifestcheck.Checks(),
	} {
		all = append(all, area...)
	}
	slices.SortFunc(all, func(a, b checks.Check) int { return strings.Compare(a.Info().ID, b.Info().ID) })
	return all
}
