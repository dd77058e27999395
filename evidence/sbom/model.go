package sbom

// Document is an SBOM in a format-neutral shape: what the requirement
// checks and the converters need, nothing more.
type Document struct {
	// Format is "CycloneDX" or "SPDX"; SpecVersion as written ("1.6", "2.3").
	Format      string
	SpecVersion string
	Serial      string
	// Timestamp is the creation time as written (checked, not trusted).
	Timestamp string
	// Creators are who made the SBOM (authors, manufacturer, SPDX
	// Organization/Person creators); Tools are the tools named.
	Creators []Party
	Tools    []string
	// URI is the SBOM's own location or namespace when given.
	URI string
	// HasVulnerabilities is set when the SBOM carries vulnerability data.
	HasVulnerabilities bool
	// Subject is the thing the SBOM describes (metadata.component, or the
	// SPDX packages the document describes), when given.
	Subject *Component
	// Components lists every component, nested ones after their parent.
	Components []Component
	// Deps maps a ref to the refs it depends on; a ref present with an
	// empty list declares "no dependencies".
	Deps map[string][]string
	// Completeness maps a ref to the stated completeness of its dependency
	// list (CycloneDX composition aggregate, e.g. "complete", "unknown").
	Completeness map[string]string
	// Primary is the primary component (Subject) followed by every
	// component nested under it, in the shape of Components (Children
	// index into Primary). CycloneDX keeps the primary component apart
	// from Components; SPDX lists it among them, and Primary stays empty.
	Primary []Component
}

// Party is a person, organisation or tool credited in an SBOM.
type Party struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
	// Role is where the SBOM names the party: RoleAuthor, RoleManufacturer,
	// RoleOriginator (creators of the component or SBOM), RoleSupplier or
	// RolePublisher (who provides it, not who made it); "" when unknown.
	Role string `json:"role,omitempty"`
}

// Roles of a Party.
const (
	RoleAuthor       = "author"
	RoleManufacturer = "manufacturer"
	RoleOriginator   = "originator"
	RoleSupplier     = "supplier"
	RolePublisher    = "publisher"
)

// Creator reports whether the party is named as a creator (author,
// manufacturer, originator), not as a supplier or publisher.
func (p Party) Creator() bool {
	return p.Role == RoleAuthor || p.Role == RoleManufacturer || p.Role == RoleOriginator
}

// ExtRef is an external reference of a component or document: its type as
// the format names it (CycloneDX "distribution", "source-distribution",
// "vcs", "rfc-9116", "bom"; SPDX locator types mapped to these), its URL
// and the hashes it carries (normalised algorithm -> lower-case hex).
type ExtRef struct {
	Type   string
	URL    string
	Hashes map[string]string
}

// Contactable reports whether the party has an e-mail or URL (BSI asks for one).
func (p Party) Contactable() bool { return p.Email != "" || p.URL != "" }

// Component is one component of any depth.
type Component struct {
	Ref     string
	Type    string
	Name    string
	Version string
	PURL    string
	CPE     string
	// Filename is the BSI filename property, or an SPDX packageFileName / file name.
	Filename string
	// Hashes maps a normalised algorithm name ("SHA-512") to hex values.
	Hashes map[string]string
	// Licences are SPDX IDs or expressions; LicenceNames are free-text names.
	Licences     []string
	LicenceNames []string
	// Concluded and Declared are the licences (IDs or expressions) the SBOM
	// marks as concluded or declared: CycloneDX 1.6 acknowledgement, SPDX 2
	// licenseConcluded / licenseDeclared, SPDX 3 hasConcludedLicense /
	// hasDeclaredLicense. A CycloneDX licence without acknowledgement is in
	// Licences only.
	Concluded []string
	Declared  []string
	// ExtRefs are the component's external references, in document order.
	ExtRefs []ExtRef
	// SWID is the SWID tag ID, when given.
	SWID string
	// Creators are authors, manufacturer or originator with contact data;
	// Supplier is the supplier's name (NTIA).
	Creators []Party
	Supplier string
	// Properties holds name/value pairs (BSI executable, archive, structured ...).
	Properties map[string][]string
	// Parent is the enclosing component's ref ("" at top level);
	// Children are indexes into Document.Components.
	Parent   string
	Children []int
}

// RefsOf returns the external references of one type.
func (c *Component) RefsOf(typ string) []ExtRef {
	var out []ExtRef
	for _, r := range c.ExtRefs {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Prop returns the first value of a property.
func (c *Component) Prop(name string) string {
	if v := c.Properties[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
