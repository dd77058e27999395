package main

import "github.com/craudit/craudit/checks"

// catalogueRefs names the catalogue editions the checks are mapped against.
func catalogueRefs() []checks.CatalogueRef {
	return nil
}
