package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// CycloneDX XML (the schema http://cyclonedx.org/schema/bom/1.x) read into
// the JSON reader's shape, so both go through one conversion. Elements are
// matched by local name; the namespace gives the spec version.

type xBOM struct {
	XMLName         xml.Name       `xml:"bom"`
	Serial          string         `xml:"serialNumber,attr"`
	Metadata        *xMetadata     `xml:"metadata"`
	Components      []xComponent   `xml:"components>component"`
	Dependencies    []xDependency  `xml:"dependencies>dependency"`
	Compositions    []xComposition `xml:"compositions>composition"`
	Vulnerabilities []struct{}     `xml:"vulnerabilities>vulnerability"`
	ExternalRefs    []xExtRef      `xml:"externalReferences>reference"`
}

type xMetadata struct {
	Timestamp    string       `xml:"timestamp"`
	LegacyTools  []xTool      `xml:"tools>tool"`
	ToolComps    []xTool      `xml:"tools>components>component"`
	ToolServices []xTool      `xml:"tools>services>service"`
	Authors      []cdxContact `xml:"authors>author"`
	Component    *xComponent  `xml:"component"`
	Manufacture  *xOrg        `xml:"manufacture"`
	Manufacturer *xOrg        `xml:"manufacturer"`
	Supplier     *xOrg        `xml:"supplier"`
}

type xTool struct {
	Name    string `xml:"name"`
	Version string `xml:"version"`
}

type xOrg struct {
	Name    string       `xml:"name"`
	URL     []string     `xml:"url"`
	Contact []cdxContact `xml:"contact"`
}

type xHash struct {
	Alg     string `xml:"alg,attr"`
	Content string `xml:",chardata"`
}

type xLicence struct {
	Ack  string `xml:"acknowledgement,attr"`
	ID   string `xml:"id"`
	Name string `xml:"name"`
}

type xExpression struct {
	Ack  string `xml:"acknowledgement,attr"`
	Expr string `xml:",chardata"`
}

type xExtRef struct {
	Type   string  `xml:"type,attr"`
	URL    string  `xml:"url"`
	Hashes []xHash `xml:"hashes>hash"`
}

type xComponent struct {
	Type         string        `xml:"type,attr"`
	BOMRef       string        `xml:"bom-ref,attr"`
	Supplier     *xOrg         `xml:"supplier"`
	Manufacturer *xOrg         `xml:"manufacturer"`
	Authors      []cdxContact  `xml:"authors>author"`
	Author       string        `xml:"author"`
	Publisher    string        `xml:"publisher"`
	Group        string        `xml:"group"`
	Name         string        `xml:"name"`
	Version      string        `xml:"version"`
	Hashes       []xHash       `xml:"hashes>hash"`
	Licences     []xLicence    `xml:"licenses>license"`
	Expressions  []xExpression `xml:"licenses>expression"`
	CPE          string        `xml:"cpe"`
	PURL         string        `xml:"purl"`
	SWID         *struct {
		TagID string `xml:"tagId,attr"`
	} `xml:"swid"`
	ExternalRefs []xExtRef    `xml:"externalReferences>reference"`
	Properties   []xProperty  `xml:"properties>property"`
	Components   []xComponent `xml:"components>component"`
}

type xProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type xDependency struct {
	Ref  string        `xml:"ref,attr"`
	Deps []xDependency `xml:"dependency"`
}

type xComposition struct {
	Aggregate    string `xml:"aggregate"`
	Assemblies   []xRef `xml:"assemblies>assembly"`
	Dependencies []xRef `xml:"dependencies>dependency"`
}

type xRef struct {
	Ref string `xml:"ref,attr"`
}

const cdxNamespace = "http://cyclonedx.org/schema/bom/"

func decodeCycloneDXXML(b []byte) (*Document, error) {
	var x xBOM
	dec := xml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("CycloneDX XML: %w", err)
	}
	ver, ok := strings.CutPrefix(x.XMLName.Space, cdxNamespace)
	if !ok || ver == "" {
		return nil, fmt.Errorf("XML root <%s> is not in a CycloneDX namespace (%s<version>)", x.XMLName.Local, cdxNamespace)
	}
	d := cdxDoc{BOMFormat: "CycloneDX", SpecVersion: ver, SerialNumber: x.Serial,
		Components: xComponents(x.Components, 0), ExternalRefs: xExtRefs(x.ExternalRefs)}
	for range x.Vulnerabilities {
		d.Vulnerabilities = append(d.Vulnerabilities, json.RawMessage("{}"))
	}
	for _, dep := range x.Dependencies {
		cd := cdxDependency{Ref: dep.Ref}
		for _, in := range dep.Deps {
			cd.DependsOn = append(cd.DependsOn, in.Ref)
		}
		d.Dependencies = append(d.Dependencies, cd)
	}
	for _, c := range x.Compositions {
		cc := cdxComposition{Aggregate: strings.TrimSpace(c.Aggregate)}
		for _, a := range c.Assemblies {
			cc.Assemblies = append(cc.Assemblies, a.Ref)
		}
		var refs []string
		for _, r := range c.Dependencies {
			refs = append(refs, r.Ref)
		}
		if refs != nil {
			cc.Dependencies, _ = json.Marshal(refs)
		}
		d.Compositions = append(d.Compositions, cc)
	}
	var tools []string
	if m := x.Metadata; m != nil {
		d.Metadata = &cdxMetadata{Timestamp: strings.TrimSpace(m.Timestamp), Authors: m.Authors,
			Manufacture: xOrgJSON(m.Manufacture), Manufacturer: xOrgJSON(m.Manufacturer), Supplier: xOrgJSON(m.Supplier)}
		if m.Component != nil {
			cs := xComponents([]xComponent{*m.Component}, 0)
			d.Metadata.Component = &cs[0]
		}
		for _, t := range append(append(m.LegacyTools, m.ToolComps...), m.ToolServices...) {
			tools = append(tools, strings.TrimSpace(t.Name+" "+t.Version))
		}
	}
	return fromCDX(&d, tools)
}

func xOrgJSON(o *xOrg) *cdxOrg {
	if o == nil {
		return nil
	}
	return &cdxOrg{Name: o.Name, URL: o.URL, Contact: o.Contact}
}

func xHashes(hs []xHash) []cdxHash {
	var out []cdxHash
	for _, h := range hs {
		out = append(out, cdxHash{Alg: h.Alg, Content: strings.TrimSpace(h.Content)})
	}
	return out
}

func xExtRefs(rs []xExtRef) []cdxExtRef {
	var out []cdxExtRef
	for _, r := range rs {
		out = append(out, cdxExtRef{Type: r.Type, URL: strings.TrimSpace(r.URL), Hashes: xHashes(r.Hashes)})
	}
	return out
}

// xComponents converts components; nesting deeper than maxDepth is cut
// here and reported by the walk (the JSON shape keeps one level more).
func xComponents(cs []xComponent, depth int) []cdxComponent {
	if depth > maxDepth+1 {
		return nil
	}
	out := make([]cdxComponent, 0, len(cs))
	for _, c := range cs {
		j := cdxComponent{BOMRef: c.BOMRef, Type: c.Type, Author: strings.TrimSpace(c.Author), Authors: c.Authors,
			Publisher: c.Publisher, Supplier: xOrgJSON(c.Supplier), Manufacturer: xOrgJSON(c.Manufacturer),
			Group: c.Group, Name: c.Name, Version: c.Version, Hashes: xHashes(c.Hashes),
			CPE: strings.TrimSpace(c.CPE), PURL: strings.TrimSpace(c.PURL), ExternalRefs: xExtRefs(c.ExternalRefs),
			Components: xComponents(c.Components, depth+1)}
		if len(c.Components) > 0 && j.Components == nil {
			// Too deep: keep one placeholder so the walk reports it.
			j.Components = []cdxComponent{{}}
		}
		for _, l := range c.Licences {
			lc := cdxLicenceChoice{}
			lc.License = &struct {
				ID              string `json:"id"`
				Name            string `json:"name"`
				Acknowledgement string `json:"acknowledgement"`
			}{ID: strings.TrimSpace(l.ID), Name: strings.TrimSpace(l.Name), Acknowledgement: l.Ack}
			j.Licenses = append(j.Licenses, lc)
		}
		for _, e := range c.Expressions {
			j.Licenses = append(j.Licenses, cdxLicenceChoice{Expression: strings.TrimSpace(e.Expr), Acknowledgement: e.Ack})
		}
		for _, p := range c.Properties {
			j.Properties = append(j.Properties, cdxProperty{Name: p.Name, Value: p.Value})
		}
		if c.SWID != nil {
			j.SWID = &struct {
				TagID string `json:"tagId"`
			}{TagID: c.SWID.TagID}
		}
		out = append(out, j)
	}
	return out
}
