package sbom

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
)

// The CycloneDX JSON shape, versions 1.2 to 1.6, read leniently: fields
// that changed type between versions are decoded as raw JSON.
type cdxDoc struct {
	BOMFormat       string            `json:"bomFormat"`
	SpecVersion     string            `json:"specVersion"`
	SerialNumber    string            `json:"serialNumber"`
	Metadata        *cdxMetadata      `json:"metadata"`
	Components      []cdxComponent    `json:"components"`
	Dependencies    []cdxDependency   `json:"dependencies"`
	Compositions    []cdxComposition  `json:"compositions"`
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	ExternalRefs    []cdxExtRef       `json:"externalReferences"`
}

type cdxMetadata struct {
	Timestamp    string          `json:"timestamp"`
	Tools        json.RawMessage `json:"tools"` // array (<=1.4) or object (1.5+)
	Authors      []cdxContact    `json:"authors"`
	Component    *cdxComponent   `json:"component"`
	Manufacture  *cdxOrg         `json:"manufacture"`
	Manufacturer *cdxOrg         `json:"manufacturer"`
	Supplier     *cdxOrg         `json:"supplier"`
}

type cdxContact struct {
	Name  string `json:"name" xml:"name"`
	Email string `json:"email" xml:"email"`
	Phone string `json:"phone" xml:"phone"`
}

type cdxOrg struct {
	Name    string       `json:"name"`
	URL     []string     `json:"url"`
	Contact []cdxContact `json:"contact"`
}

type cdxHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

type cdxLicenceChoice struct {
	License *struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		Acknowledgement string `json:"acknowledgement"`
	} `json:"license"`
	Expression      string `json:"expression"`
	Acknowledgement string `json:"acknowledgement"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxExtRef struct {
	Type   string    `json:"type"`
	URL    string    `json:"url"`
	Hashes []cdxHash `json:"hashes"`
}

type cdxComponent struct {
	BOMRef       string             `json:"bom-ref"`
	Type         string             `json:"type"`
	Author       string             `json:"author"`
	Authors      []cdxContact       `json:"authors"`
	Publisher    string             `json:"publisher"`
	Supplier     *cdxOrg            `json:"supplier"`
	Manufacturer *cdxOrg            `json:"manufacturer"`
	Group        string             `json:"group"`
	Name         string             `json:"name"`
	Version      string             `json:"version"`
	Hashes       []cdxHash          `json:"hashes"`
	Licenses     []cdxLicenceChoice `json:"licenses"`
	CPE          string             `json:"cpe"`
	PURL         string             `json:"purl"`
	Properties   []cdxProperty      `json:"properties"`
	Components   []cdxComponent     `json:"components"`
	ExternalRefs []cdxExtRef        `json:"externalReferences"`
	SWID         *struct {
		TagID string `json:"tagId"`
	} `json:"swid"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

type cdxComposition struct {
	Aggregate    string          `json:"aggregate"`
	Assemblies   []string        `json:"assemblies"`
	Dependencies json.RawMessage `json:"dependencies"` // strings (1.3+)
}

// maxDepth bounds component nesting (untrusted input).
const maxDepth = 64

func decodeCycloneDX(b []byte) (*Document, error) {
	var d cdxDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("CycloneDX: %w", err)
	}
	var tools []string
	if d.Metadata != nil {
		tools = toolNames(d.Metadata.Tools)
	}
	return fromCDX(&d, tools)
}

// fromCDX converts a CycloneDX document (read from JSON or XML) into the
// model; tools are the tool names of its metadata.
func fromCDX(d *cdxDoc, tools []string) (*Document, error) {
	if d.BOMFormat != "CycloneDX" {
		return nil, fmt.Errorf("bomFormat is %q, not CycloneDX", d.BOMFormat)
	}
	if d.SpecVersion == "" {
		return nil, fmt.Errorf("CycloneDX: no specVersion")
	}
	doc := &Document{Format: "CycloneDX", SpecVersion: d.SpecVersion, Serial: d.SerialNumber,
		Deps: map[string][]string{}, Completeness: map[string]string{}, HasVulnerabilities: len(d.Vulnerabilities) > 0}
	for _, r := range d.ExternalRefs {
		if r.Type == "bom" && doc.URI == "" {
			doc.URI = r.URL
		}
	}
	if m := d.Metadata; m != nil {
		doc.Timestamp = m.Timestamp
		for _, a := range m.Authors {
			doc.Creators = append(doc.Creators, withRole(RoleAuthor, contactParty(a))...)
		}
		for _, o := range []*cdxOrg{m.Manufacturer, m.Manufacture} {
			doc.Creators = append(doc.Creators, withRole(RoleManufacturer, orgParties(o)...)...)
		}
		doc.Creators = append(doc.Creators, withRole(RoleSupplier, orgParties(m.Supplier)...)...)
		doc.Tools = tools
		if m.Component != nil {
			if err := walkCDX(&doc.Primary, []cdxComponent{*m.Component}, -1, 0); err != nil {
				return nil, err
			}
			c := doc.Primary[0]
			doc.Subject = &c
		}
	}
	if err := walkCDX(&doc.Components, d.Components, -1, 0); err != nil {
		return nil, err
	}
	for _, dep := range d.Dependencies {
		doc.Deps[dep.Ref] = append(doc.Deps[dep.Ref], dep.DependsOn...)
	}
	for _, c := range d.Compositions {
		var refs []string
		if len(c.Dependencies) > 0 {
			_ = json.Unmarshal(c.Dependencies, &refs) // objects in old drafts: ignored
		}
		for _, r := range append(refs, c.Assemblies...) {
			if _, set := doc.Completeness[r]; !set {
				doc.Completeness[r] = c.Aggregate
			}
		}
	}
	return doc, nil
}

// walkCDX appends components and everything nested under them to list,
// nested ones after their parent.
func walkCDX(list *[]Component, cs []cdxComponent, parent int, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("CycloneDX: components nested deeper than %d", maxDepth)
	}
	for _, c := range cs {
		idx := len(*list)
		pref := ""
		if parent >= 0 {
			pref = (*list)[parent].Ref
		}
		*list = append(*list, convertCDX(c, pref))
		if parent >= 0 {
			(*list)[parent].Children = append((*list)[parent].Children, idx)
		}
		if err := walkCDX(list, c.Components, idx, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func withRole(role string, ps ...Party) []Party {
	for i := range ps {
		ps[i].Role = role
	}
	return ps
}

// addLicence files one licence by its acknowledgement.
func (c *Component) addLicence(expr, ack string) {
	c.Licences = append(c.Licences, expr)
	switch ack {
	case "concluded":
		c.Concluded = append(c.Concluded, expr)
	case "declared":
		c.Declared = append(c.Declared, expr)
	}
}

func convertCDX(c cdxComponent, parent string) Component {
	out := Component{Ref: c.BOMRef, Type: c.Type, Name: c.Name, Version: c.Version, PURL: c.PURL, CPE: c.CPE,
		Parent: parent, Hashes: map[string]string{}, Properties: map[string][]string{}}
	if c.Group != "" {
		out.Name = c.Group + "/" + c.Name
	}
	for _, h := range c.Hashes {
		out.Hashes[normAlg(h.Alg)] = strings.ToLower(h.Content)
	}
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			out.addLicence(l.Expression, l.Acknowledgement)
		case l.License != nil && l.License.ID != "":
			out.addLicence(l.License.ID, l.License.Acknowledgement)
		case l.License != nil && l.License.Name != "":
			out.LicenceNames = append(out.LicenceNames, l.License.Name)
		}
	}
	for _, a := range c.Authors {
		out.Creators = append(out.Creators, withRole(RoleAuthor, contactParty(a))...)
	}
	if c.Author != "" {
		out.Creators = append(out.Creators, withRole(RoleAuthor, textParty(c.Author))...)
	}
	out.Creators = append(out.Creators, withRole(RoleManufacturer, orgParties(c.Manufacturer)...)...)
	if c.Supplier != nil {
		out.Supplier = c.Supplier.Name
		if out.Supplier == "" && len(c.Supplier.URL) > 0 {
			out.Supplier = c.Supplier.URL[0]
		}
		out.Creators = append(out.Creators, withRole(RoleSupplier, orgParties(c.Supplier)...)...)
	}
	for _, r := range c.ExternalRefs {
		x := ExtRef{Type: r.Type, URL: r.URL}
		for _, h := range r.Hashes {
			if x.Hashes == nil {
				x.Hashes = map[string]string{}
			}
			x.Hashes[normAlg(h.Alg)] = strings.ToLower(h.Content)
		}
		out.ExtRefs = append(out.ExtRefs, x)
	}
	if c.SWID != nil {
		out.SWID = c.SWID.TagID
	}
	if out.Supplier == "" && c.Manufacturer != nil {
		out.Supplier = c.Manufacturer.Name
	}
	if out.Supplier == "" && c.Publisher != "" {
		out.Supplier = c.Publisher
	}
	for _, p := range c.Properties {
		out.Properties[p.Name] = append(out.Properties[p.Name], p.Value)
	}
	out.Filename = out.Prop("bsi:component:filename")
	if out.Ref == "" {
		out.Ref = out.Name + "@" + out.Version
	}
	return out
}

func contactParty(c cdxContact) Party { return Party{Name: c.Name, Email: c.Email} }

func orgParties(o *cdxOrg) []Party {
	if o == nil {
		return nil
	}
	p := Party{Name: o.Name}
	if len(o.URL) > 0 {
		p.URL = o.URL[0]
	}
	for _, c := range o.Contact {
		if c.Email != "" {
			p.Email = c.Email
			break
		}
	}
	return []Party{p}
}

// textParty reads "Name <mail@example>" or a bare e-mail or URL.
func textParty(s string) Party {
	s = strings.TrimSpace(s)
	if a, err := mail.ParseAddress(s); err == nil {
		return Party{Name: a.Name, Email: a.Address}
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return Party{URL: s}
	}
	return Party{Name: s}
}

func toolNames(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	type tool struct {
		Vendor  string `json:"vendor"`
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	var legacy []tool
	if json.Unmarshal(raw, &legacy) == nil {
		var out []string
		for _, t := range legacy {
			out = append(out, strings.TrimSpace(t.Name+" "+t.Version))
		}
		return out
	}
	var modern struct {
		Components []tool `json:"components"`
		Services   []tool `json:"services"`
	}
	if json.Unmarshal(raw, &modern) == nil {
		var out []string
		for _, t := range append(modern.Components, modern.Services...) {
			out = append(out, strings.TrimSpace(t.Name+" "+t.Version))
		}
		return out
	}
	return nil
}

// normAlg maps "sha512", "SHA512", "SHA-512" to "SHA-512".
func normAlg(a string) string {
	u := strings.ToUpper(strings.ReplaceAll(a, "_", "-"))
	switch u {
	case "SHA1", "SHA-1":
		return "SHA-1"
	case "SHA256", "SHA-256":
		return "SHA-256"
	case "SHA384", "SHA-384":
		return "SHA-384"
	case "SHA512", "SHA-512":
		return "SHA-512"
	}
	return u
}
