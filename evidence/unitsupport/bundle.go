package unitsupport

import (
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/vex"
)

// FromBundle describes a verified bundle as a release: its artefacts from
// the signed index, product.yaml's support period (p nil: unknown) and the
// vulnerability table's open rows (table nil or tableErr set: unknown, never
// "none"). A row is open unless a VEX statement takes it out of the gate.
func FromBundle(b *bundle.Bundle, p *product.Product, table *vex.Table, tableErr error) Release {
	r := Release{Bundle: b.Dir, Product: b.Index.Product.ID, Version: b.Index.Release.Version,
		Artefacts: []Artefact{}, Open: []Vulnerability{}}
	for _, it := range b.Index.ByRole(bundle.RoleArtefact) {
		if b.Bad(it.Path) {
			continue
		}
		r.Artefacts = append(r.Artefacts, Artefact{Path: it.Path, Size: it.Size, SHA256: it.SHA256, SHA512: it.SHA512})
	}
	if p != nil {
		sp := p.SupportPeriod
		r.Support = &sp
	}
	switch {
	case tableErr != nil:
		r.VulnsProblem = tableErr.Error()
	case table == nil:
		r.VulnsProblem = "no vulnerability table"
	default:
		r.VulnsKnown = true
		for _, row := range table.Rows {
			if !row.Suppressed {
				r.Open = append(r.Open, Vulnerability{ID: row.ID, Severity: row.Severity, Component: row.Component.Name + "@" + row.Component.Version, Release: r.Name()})
			}
		}
	}
	return r
}
