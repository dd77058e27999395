package generate

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// ProductRef is the bom-ref of the release itself (metadata.component).
const ProductRef = "product"

// encode assembles the BOM and writes it as pretty CycloneDX 1.6 JSON.
func (b *builder) encode() ([]byte, error) {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = serial(b.seed)
	md := &cdx.Metadata{Timestamp: b.o.Timestamp.UTC().Format(time.RFC3339)}
	tools := []cdx.Component{{Type: cdx.ComponentTypeApplication, Name: nonEmpty(b.o.ToolName, "craudit"), Version: b.o.ToolVersion}}
	tools = append(tools, cdx.Component{Type: cdx.ComponentTypeApplication, Name: "syft", Version: syftVersion()})
	md.Tools = &cdx.ToolsChoice{Components: &tools}
	if oe := b.creatorEntity(); oe != nil {
		md.Manufacturer = oe
		if c := b.o.Creator; c.Email != "" || c.Name != "" {
			md.Authors = &[]cdx.OrganizationalContact{{Name: c.Name, Email: c.Email}}
		}
	}
	var arts []string
	for _, c := range b.comps {
		if strings.HasPrefix(c.BOMRef, "artefact:") && !strings.Contains(c.BOMRef, "#") {
			arts = append(arts, c.BOMRef)
		}
	}
	if b.o.ProductName != "" {
		pc := &cdx.Component{BOMRef: ProductRef, Type: cdx.ComponentTypeFirmware, Name: b.o.ProductName, Version: b.o.ProductVersion, PackageURL: b.o.ProductPURL}
		if oe := b.creatorEntity(); oe != nil {
			pc.Manufacturer = oe
		}
		b.describeProduct(pc, arts)
		md.Component = pc
		b.deps[ProductRef] = arts
		b.complete = append(b.complete, ProductRef)
	}
	bom.Metadata = md
	comps := b.comps
	bom.Components = &comps

	var deps []cdx.Dependency
	refs := make([]string, 0, len(b.deps))
	for r := range b.deps {
		refs = append(refs, r)
	}
	// Every component, nested ones too, gets a dependency entry, so an
	// empty list reads as "depends on nothing known" rather than "not analysed".
	walk(comps, func(c cdx.Component) {
		if _, ok := b.deps[c.BOMRef]; !ok {
			refs = append(refs, c.BOMRef)
		}
	})
	slices.Sort(refs)
	refs = slices.Compact(refs)
	for _, r := range refs {
		d := slices.Clone(b.deps[r])
		slices.Sort(d)
		dep := cdx.Dependency{Ref: r}
		if len(d) > 0 {
			dep.Dependencies = &d
		}
		deps = append(deps, dep)
	}
	bom.Dependencies = &deps

	// Completeness of the dependency lists (BSI: stated per component).
	var nested []string
	walk(comps, func(c cdx.Component) {
		if strings.Contains(c.BOMRef, "/file:") {
			nested = append(nested, c.BOMRef)
		}
	})
	var comp []cdx.Composition
	add := func(agg cdx.CompositionAggregate, rs []string) {
		rs = slices.Clone(rs)
		slices.Sort(rs)
		rs = slices.Compact(rs)
		if len(rs) == 0 {
			return
		}
		bs := make([]cdx.BOMReference, len(rs))
		for i, r := range rs {
			bs[i] = cdx.BOMReference(r)
		}
		comp = append(comp, cdx.Composition{Aggregate: agg, Dependencies: &bs})
	}
	add(cdx.CompositionAggregateComplete, b.complete)
	// A package's installed files depend on nothing beyond the package.
	add(cdx.CompositionAggregateUnknown, append(b.unknown, nested...))
	bom.Compositions = &comp

	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func walk(cs []cdx.Component, f func(cdx.Component)) {
	for _, c := range cs {
		f(c)
		if c.Components != nil {
			walk(*c.Components, f)
		}
	}
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// serial derives a stable urn:uuid (version 5 layout) from the artefacts'
// names and digests, so the same release gives the same serial number.
func serial(seed []string) string {
	h := sha256.Sum256([]byte(strings.Join(seed, "\x00")))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
