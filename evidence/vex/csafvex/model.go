package csafvex

// The types below follow the CSAF 2.0 JSON schema field by field for the
// parts craudit writes and reads; fields it neither writes nor needs are
// left out (the schema validation runs on the raw document, so nothing a
// reader skips here goes unchecked).

// Document is a CSAF 2.0 document.
type Document struct {
	Document        Meta            `json:"document"`
	ProductTree     *ProductTree    `json:"product_tree,omitempty"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities,omitempty"`
}

// Document categories (profiles) craudit uses.
const (
	CategoryVEX      = "csaf_vex"
	CategoryAdvisory = "csaf_security_advisory"
)

// Meta is /document.
type Meta struct {
	AggregateSeverity *AggregateSeverity `json:"aggregate_severity,omitempty"`
	Category          string             `json:"category"`
	CSAFVersion       string             `json:"csaf_version"`
	Distribution      *Distribution      `json:"distribution,omitempty"`
	Lang              string             `json:"lang,omitempty"`
	Notes             []Note             `json:"notes,omitempty"`
	Publisher         Publisher          `json:"publisher"`
	References        []Reference        `json:"references,omitempty"`
	Title             string             `json:"title"`
	Tracking          Tracking           `json:"tracking"`
}

// AggregateSeverity is /document/aggregate_severity.
type AggregateSeverity struct {
	Namespace string `json:"namespace,omitempty"`
	Text      string `json:"text"`
}

// Distribution is /document/distribution.
type Distribution struct {
	Text string `json:"text,omitempty"`
	TLP  *TLP   `json:"tlp,omitempty"`
}

// TLP is /document/distribution/tlp (TLP 1.0 labels in CSAF 2.0).
type TLP struct {
	Label string `json:"label"`
	URL   string `json:"url,omitempty"`
}

// Note is a note of the document or of a vulnerability.
type Note struct {
	Audience string `json:"audience,omitempty"`
	Category string `json:"category"`
	Text     string `json:"text"`
	Title    string `json:"title,omitempty"`
}

// Publisher is /document/publisher.
type Publisher struct {
	Category         string `json:"category"`
	ContactDetails   string `json:"contact_details,omitempty"`
	IssuingAuthority string `json:"issuing_authority,omitempty"`
	Name             string `json:"name"`
	Namespace        string `json:"namespace"`
}

// Reference is a reference of the document or of a vulnerability.
type Reference struct {
	Category string `json:"category,omitempty"`
	Summary  string `json:"summary"`
	URL      string `json:"url"`
}

// Tracking is /document/tracking.
type Tracking struct {
	CurrentReleaseDate string     `json:"current_release_date"`
	Generator          *Generator `json:"generator,omitempty"`
	ID                 string     `json:"id"`
	InitialReleaseDate string     `json:"initial_release_date"`
	RevisionHistory    []Revision `json:"revision_history"`
	Status             string     `json:"status"`
	Version            string     `json:"version"`
}

// Generator is /document/tracking/generator.
type Generator struct {
	Date   string `json:"date,omitempty"`
	Engine Engine `json:"engine"`
}

// Engine is the tool that made the document.
type Engine struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Revision is one entry of the revision history.
type Revision struct {
	Date    string `json:"date"`
	Number  string `json:"number"`
	Summary string `json:"summary"`
}

// ProductTree is /product_tree.
type ProductTree struct {
	Branches         []Branch          `json:"branches,omitempty"`
	FullProductNames []FullProductName `json:"full_product_names,omitempty"`
	ProductGroups    []ProductGroup    `json:"product_groups,omitempty"`
	Relationships    []Relationship    `json:"relationships,omitempty"`
}

// Branch is one node of the product tree's branches.
type Branch struct {
	Branches []Branch         `json:"branches,omitempty"`
	Category string           `json:"category"`
	Name     string           `json:"name"`
	Product  *FullProductName `json:"product,omitempty"`
}

// FullProductName names one product and gives its product ID.
type FullProductName struct {
	Name      string         `json:"name"`
	ProductID string         `json:"product_id"`
	Helper    *ProductHelper `json:"product_identification_helper,omitempty"`
}

// ProductHelper is product_identification_helper.
type ProductHelper struct {
	CPE           string   `json:"cpe,omitempty"`
	Hashes        []Hashes `json:"hashes,omitempty"`
	ModelNumbers  []string `json:"model_numbers,omitempty"`
	PURL          string   `json:"purl,omitempty"`
	SBOMURLs      []string `json:"sbom_urls,omitempty"`
	SerialNumbers []string `json:"serial_numbers,omitempty"`
	SKUs          []string `json:"skus,omitempty"`
}

// Hashes are the hashes of one file.
type Hashes struct {
	FileHashes []FileHash `json:"file_hashes"`
	Filename   string     `json:"filename"`
}

// FileHash is one hash of a file.
type FileHash struct {
	Algorithm string `json:"algorithm"`
	Value     string `json:"value"`
}

// ProductGroup is /product_tree/product_groups[].
type ProductGroup struct {
	GroupID    string   `json:"group_id"`
	ProductIDs []string `json:"product_ids"`
	Summary    string   `json:"summary,omitempty"`
}

// Relationship links two products (e.g. a component of a firmware).
type Relationship struct {
	Category                  string          `json:"category"`
	FullProductName           FullProductName `json:"full_product_name"`
	ProductReference          string          `json:"product_reference"`
	RelatesToProductReference string          `json:"relates_to_product_reference"`
}

// Vulnerability is one /vulnerabilities[] entry.
type Vulnerability struct {
	CVE           string         `json:"cve,omitempty"`
	Flags         []Flag         `json:"flags,omitempty"`
	IDs           []ID           `json:"ids,omitempty"`
	Notes         []Note         `json:"notes,omitempty"`
	ProductStatus *ProductStatus `json:"product_status,omitempty"`
	References    []Reference    `json:"references,omitempty"`
	ReleaseDate   string         `json:"release_date,omitempty"`
	Remediations  []Remediation  `json:"remediations,omitempty"`
	Threats       []Threat       `json:"threats,omitempty"`
	Title         string         `json:"title,omitempty"`
}

// ID is a vulnerability ID other than a CVE (an OSV or vendor ID).
type ID struct {
	SystemName string `json:"system_name"`
	Text       string `json:"text"`
}

// Flag is a machine-readable VEX justification for products.
type Flag struct {
	Date       string   `json:"date,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	Label      string   `json:"label"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

// ProductStatus lists product IDs per status.
type ProductStatus struct {
	FirstAffected      []string `json:"first_affected,omitempty"`
	FirstFixed         []string `json:"first_fixed,omitempty"`
	Fixed              []string `json:"fixed,omitempty"`
	KnownAffected      []string `json:"known_affected,omitempty"`
	KnownNotAffected   []string `json:"known_not_affected,omitempty"`
	LastAffected       []string `json:"last_affected,omitempty"`
	Recommended        []string `json:"recommended,omitempty"`
	UnderInvestigation []string `json:"under_investigation,omitempty"`
}

// Remediation says what to do for products.
type Remediation struct {
	Category   string   `json:"category"`
	Date       string   `json:"date,omitempty"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
	URL        string   `json:"url,omitempty"`
}

// Threat is a threat statement (category impact: the VEX impact statement).
type Threat struct {
	Category   string   `json:"category"`
	Date       string   `json:"date,omitempty"`
	Details    string   `json:"details"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

// Product statuses in the VEX profile.
const (
	KnownAffected      = "known_affected"
	KnownNotAffected   = "known_not_affected"
	Fixed              = "fixed"
	UnderInvestigation = "under_investigation"
)

// Statuses returns the product status lists by name, in the schema's order.
func (p *ProductStatus) Statuses() []StatusList {
	if p == nil {
		return nil
	}
	return []StatusList{{"first_affected", p.FirstAffected}, {"first_fixed", p.FirstFixed}, {Fixed, p.Fixed},
		{KnownAffected, p.KnownAffected}, {KnownNotAffected, p.KnownNotAffected}, {"last_affected", p.LastAffected},
		{"recommended", p.Recommended}, {UnderInvestigation, p.UnderInvestigation}}
}

// StatusList is one product status and its product IDs.
type StatusList struct {
	Name string
	IDs  []string
}
