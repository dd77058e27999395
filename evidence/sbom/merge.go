package sbom

import (
	"bytes"
	"fmt"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Merge adds an imported SBOM (CycloneDX, e.g. from Import) to the release
// SBOM craudit generated: the imported components, dependencies and
// completeness statements are appended with their bom-refs prefixed by
// "imported:<label>:" so they cannot collide, and the release SBOM's
// metadata names the import. The result is CycloneDX 1.6 JSON.
func Merge(generated, imported []byte, label string) ([]byte, error) {
	var base, add cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(generated), cdx.BOMFileFormatJSON).Decode(&base); err != nil {
		return nil, fmt.Errorf("merge: generated SBOM: %w", err)
	}
	if err := cdx.NewBOMDecoder(bytes.NewReader(imported), cdx.BOMFileFormatJSON).Decode(&add); err != nil {
		return nil, fmt.Errorf("merge: imported SBOM: %w", err)
	}
	prefix := "imported:" + label + ":"
	re := func(r string) string {
		if r == "" {
			return r
		}
		return prefix + r
	}
	var fix func(cs []cdx.Component) []cdx.Component
	fix = func(cs []cdx.Component) []cdx.Component {
		out := make([]cdx.Component, len(cs))
		for i, c := range cs {
			c.BOMRef = re(c.BOMRef)
			if c.Components != nil {
				n := fix(*c.Components)
				c.Components = &n
			}
			out[i] = c
		}
		return out
	}
	var comps []cdx.Component
	if base.Components != nil {
		comps = *base.Components
	}
	if add.Metadata != nil && add.Metadata.Component != nil {
		comps = append(comps, fix([]cdx.Component{*add.Metadata.Component})...)
	}
	if add.Components != nil {
		comps = append(comps, fix(*add.Components)...)
	}
	base.Components = &comps
	if add.Dependencies != nil {
		var deps []cdx.Dependency
		if base.Dependencies != nil {
			deps = *base.Dependencies
		}
		for _, d := range *add.Dependencies {
			nd := cdx.Dependency{Ref: re(d.Ref)}
			if d.Dependencies != nil {
				on := make([]string, len(*d.Dependencies))
				for i, r := range *d.Dependencies {
					on[i] = re(r)
				}
				nd.Dependencies = &on
			}
			deps = append(deps, nd)
		}
		base.Dependencies = &deps
	}
	if add.Compositions != nil {
		var cs []cdx.Composition
		if base.Compositions != nil {
			cs = *base.Compositions
		}
		for _, c := range *add.Compositions {
			nc := cdx.Composition{Aggregate: c.Aggregate}
			if c.Dependencies != nil {
				rs := make([]cdx.BOMReference, len(*c.Dependencies))
				for i, r := range *c.Dependencies {
					rs[i] = cdx.BOMReference(re(string(r)))
				}
				nc.Dependencies = &rs
			}
			cs = append(cs, nc)
		}
		base.Compositions = &cs
	}
	if base.Metadata == nil {
		base.Metadata = &cdx.Metadata{}
	}
	var props []cdx.Property
	if base.Metadata.Properties != nil {
		props = *base.Metadata.Properties
	}
	props = append(props, cdx.Property{Name: "craudit:imported-sbom", Value: label})
	base.Metadata.Properties = &props
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(&base, cdx.SpecVersion1_6); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
