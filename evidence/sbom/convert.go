package sbom

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Import reads an SBOM the manufacturer already has (CycloneDX JSON 1.2+,
// SPDX JSON 2.2+) and returns it as CycloneDX 1.6 JSON for sbom.cdx.json.
// The caller keeps the original bytes under imported/.
func Import(path string) ([]byte, error) {
	doc, raw, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	out, err := ToCycloneDX(doc, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// ToCycloneDX converts a decoded SBOM to CycloneDX 1.6 JSON. CycloneDX
// input is re-encoded at 1.6 by cyclonedx-go (no data dropped that 1.6 can
// hold); SPDX input is mapped field by field.
func ToCycloneDX(doc *Document, raw []byte) ([]byte, error) {
	var bom *cdx.BOM
	if doc.Format == "CycloneDX" {
		bom = new(cdx.BOM)
		if err := cdx.NewBOMDecoder(bytes.NewReader(raw), cdx.BOMFileFormatJSON).Decode(bom); err != nil {
			return nil, fmt.Errorf("CycloneDX: %w", err)
		}
	} else {
		bom = fromDocument(doc)
	}
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.JSONSchema = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fromDocument maps the neutral model (from SPDX) to a CycloneDX BOM.
func fromDocument(doc *Document) *cdx.BOM {
	bom := cdx.NewBOM()
	if strings.HasPrefix(doc.Serial, "urn:uuid:") {
		bom.SerialNumber = doc.Serial
	}
	md := &cdx.Metadata{Timestamp: doc.Timestamp}
	var tools []cdx.Component
	for _, t := range doc.Tools {
		tools = append(tools, cdx.Component{Type: cdx.ComponentTypeApplication, Name: t})
	}
	if len(tools) > 0 {
		md.Tools = &cdx.ToolsChoice{Components: &tools}
	}
	var authors []cdx.OrganizationalContact
	for _, p := range doc.Creators {
		authors = append(authors, cdx.OrganizationalContact{Name: p.Name, Email: p.Email})
	}
	if len(authors) > 0 {
		md.Authors = &authors
	}
	props := []cdx.Property{{Name: "craudit:converted-from", Value: doc.Format + " " + doc.SpecVersion}}
	if doc.URI != "" {
		props = append(props, cdx.Property{Name: "craudit:source-document", Value: doc.URI})
	}
	md.Properties = &props
	if doc.Subject != nil {
		c := toCDX(*doc.Subject)
		c.Type = cdx.ComponentTypeApplication
		md.Component = &c
	}
	bom.Metadata = md
	var comps []cdx.Component
	for _, c := range doc.Components {
		if doc.Subject != nil && c.Ref == doc.Subject.Ref {
			continue
		}
		comps = append(comps, toCDX(c))
	}
	bom.Components = &comps
	refs := make([]string, 0, len(doc.Deps))
	for r := range doc.Deps {
		refs = append(refs, r)
	}
	slices.Sort(refs)
	var deps []cdx.Dependency
	for _, r := range refs {
		d := slices.Clone(doc.Deps[r])
		slices.Sort(d)
		d = slices.Compact(d)
		deps = append(deps, cdx.Dependency{Ref: r, Dependencies: &d})
	}
	if len(deps) > 0 {
		bom.Dependencies = &deps
	}
	byAgg := map[string][]cdx.BOMReference{}
	for r, a := range doc.Completeness {
		byAgg[a] = append(byAgg[a], cdx.BOMReference(r))
	}
	var comp []cdx.Composition
	for _, a := range []string{"complete", "unknown"} {
		if rs := byAgg[a]; len(rs) > 0 {
			slices.Sort(rs)
			comp = append(comp, cdx.Composition{Aggregate: cdx.CompositionAggregate(a), Dependencies: &rs})
		}
	}
	if len(comp) > 0 {
		bom.Compositions = &comp
	}
	return bom
}

func toCDX(c Component) cdx.Component {
	typ := cdx.ComponentTypeLibrary
	switch c.Type {
	case "file":
		typ = cdx.ComponentTypeFile
	case "application", "firmware", "operating-system", "container", "framework", "device":
		typ = cdx.ComponentType(c.Type)
	}
	out := cdx.Component{BOMRef: c.Ref, Type: typ, Name: c.Name, Version: c.Version, PackageURL: c.PURL, CPE: c.CPE}
	var hs []cdx.Hash
	for _, alg := range sortedKeys(c.Hashes) {
		hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgorithm(alg), Value: c.Hashes[alg]})
	}
	if len(hs) > 0 {
		out.Hashes = &hs
	}
	if len(c.Licences) > 0 {
		out.Licenses = &cdx.Licenses{{Expression: c.Licences[0]}}
	}
	var authors []cdx.OrganizationalContact
	for _, p := range c.Creators {
		if p.Email != "" || p.Name != "" {
			authors = append(authors, cdx.OrganizationalContact{Name: p.Name, Email: p.Email})
		}
	}
	if len(authors) > 0 {
		out.Authors = &authors
	}
	if c.Supplier != "" {
		out.Supplier = &cdx.OrganizationalEntity{Name: c.Supplier}
	}
	if c.Filename != "" {
		out.Properties = &[]cdx.Property{{Name: "bsi:component:filename", Value: c.Filename}}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
