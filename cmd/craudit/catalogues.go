package main

import (
	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/mappings"
)

// catalogueRefs names the catalogue editions the checks are mapped against.
func catalogueRefs() []checks.CatalogueRef {
	var out []checks.CatalogueRef
	for _, r := range mappings.MustLoad().Refs() {
		out = append(out, checks.CatalogueRef{ID: r.ID, Edition: r.Edition})
	}
	return out
}
