package spdx3

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// SPDX 3.0 JSON-LD: a flat @graph of elements that point at each other by
// spdxId. Read as far as the TR's mapping (BSI TR-03183-2 section 8.2)
// and the converters need: packages, files, agents, licence expressions
// and relationships. Fields that hold one IRI or a list of them are read
// either way.

// Document is what craudit reads from an SPDX 3 document.
type Document struct {
	SpecVersion, Created string
	// ID is the SpdxDocument's spdxId (the SBOM-URI of the TR's mapping).
	ID       string
	Creators []Agent
	Tools    []string
	// Elements are the packages and the files that are not a package's
	// deployable form, in graph order.
	Elements []Element
	// Root is the spdxId of the primary element, when one is named.
	Root               string
	Deps               map[string][]string
	Completeness       map[string]string
	HasVulnerabilities bool
}

// Agent is a Person, Organization or SoftwareAgent.
type Agent struct{ Name, Email, URL string }

// Ref is an external reference: "distribution", "source-distribution",
// "vcs" or "rfc-9116" (the CycloneDX words), its URL and hashes
// (algorithm as written -> lower-case hex).
type Ref struct {
	Type, URL string
	Hashes    map[string]string
}

// Element is a package, or a file (File set).
type Element struct {
	ID, Name, Version, PURL, CPE, SWID string
	Purpose, Filename                  string
	File                               bool
	Hashes                             map[string]string
	Concluded, Declared                []string
	Originators, Suppliers             []Agent
	Refs                               []Ref
	// Props holds the TR's three properties derived from purposes.
	Props map[string][]string
}

type spdx3Graph struct {
	Context json.RawMessage `json:"@context"`
	Graph   []spdx3Elem     `json:"@graph"`
}

type spdx3Hash struct {
	Algorithm string `json:"algorithm"`
	HashValue string `json:"hashValue"`
}

type spdx3Elem struct {
	Type         string          `json:"type"`
	AtType       string          `json:"@type"`
	SPDXID       string          `json:"spdxId"`
	AtID         string          `json:"@id"`
	Name         string          `json:"name"`
	CreationInfo json.RawMessage `json:"creationInfo"`
	// CreationInfo
	SpecVersion  string       `json:"specVersion"`
	Created      string       `json:"created"`
	CreatedBy    iriList      `json:"createdBy"`
	CreatedUsing iriList      `json:"createdUsing"`
	RootElement  iriList      `json:"rootElement"`
	Verified     []spdx3Hash  `json:"verifiedUsing"`
	ExtIDs       []spdx3ExtID `json:"externalIdentifier"`
	// ExtIDsAlt is the plural spelling some writers (and the TR's mapping
	// table) use.
	ExtIDsAlt []spdx3ExtID `json:"externalIdentifiers"`
	ExtRefs   []struct {
		Type    string  `json:"externalRefType"`
		Locator iriList `json:"locator"`
	} `json:"externalRef"`
	// software_Package / software_File
	PackageVersion    string  `json:"software_packageVersion"`
	PackageURL        string  `json:"software_packageUrl"`
	DownloadLocation  string  `json:"software_downloadLocation"`
	PrimaryPurpose    string  `json:"software_primaryPurpose"`
	AdditionalPurpose iriList `json:"software_additionalPurpose"`
	OriginatedBy      iriList `json:"originatedBy"`
	SuppliedBy        iriList `json:"suppliedBy"`
	// Relationship
	From         string  `json:"from"`
	RelType      string  `json:"relationshipType"`
	To           iriList `json:"to"`
	Completeness string  `json:"completeness"`
	// simplelicensing_LicenseExpression (the TR's table writes the
	// property without its prefix)
	LicenceExpr    string `json:"simplelicensing_licenseExpression"`
	LicenceExprAlt string `json:"licenseExpression"`
}

type spdx3ExtID struct {
	Type       string `json:"externalIdentifierType"`
	Identifier string `json:"identifier"`
}

func (e *spdx3Elem) extIDs() []spdx3ExtID { return append(slices.Clip(e.ExtIDs), e.ExtIDsAlt...) }

// iriList is a JSON string or array of strings.
type iriList []string

func (l *iriList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = iriList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = ss
	return nil
}

func (e *spdx3Elem) kind() string {
	t := e.Type
	if t == "" {
		t = e.AtType
	}
	// Compact IRIs ("software_Package") and full ones end alike.
	if i := strings.LastIndexAny(t, "/#"); i >= 0 {
		t = t[i+1:]
	}
	return t
}

func (e *spdx3Elem) id() string {
	if e.SPDXID != "" {
		return e.SPDXID
	}
	return e.AtID
}

// Parse reads an SPDX 3 JSON-LD document.
func Parse(b []byte) (*Document, error) {
	var g spdx3Graph
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("SPDX 3: %w", err)
	}
	byID := make(map[string]*spdx3Elem, len(g.Graph))
	var infos []*spdx3Elem
	var docElem *spdx3Elem
	for i := range g.Graph {
		e := &g.Graph[i]
		if id := e.id(); id != "" {
			byID[id] = e
		}
		switch e.kind() {
		case "CreationInfo":
			infos = append(infos, e)
		case "SpdxDocument":
			if docElem == nil {
				docElem = e
			}
		}
	}
	// The document's creation info: its own (a reference or inline), else
	// the first one in the graph.
	var info *spdx3Elem
	if docElem != nil {
		info = creationInfo(docElem, byID)
	}
	if info == nil && len(infos) > 0 {
		info = infos[0]
	}
	if info == nil {
		return nil, fmt.Errorf("SPDX 3: no CreationInfo")
	}
	if info.SpecVersion == "" {
		return nil, fmt.Errorf("SPDX 3: CreationInfo has no specVersion")
	}
	doc := &Document{SpecVersion: info.SpecVersion, Created: info.Created,
		Deps: map[string][]string{}, Completeness: map[string]string{}}
	if docElem != nil {
		doc.ID = docElem.id()
	}
	for _, id := range info.CreatedBy {
		if a := byID[id]; a != nil {
			doc.Creators = append(doc.Creators, spdx3Agent(a))
		}
	}
	for _, id := range info.CreatedUsing {
		if a := byID[id]; a != nil {
			doc.Tools = append(doc.Tools, a.Name)
		}
	}

	// Relationships first: which files are a package's deployable form,
	// which licences apply, what depends on what.
	distOf := map[string]string{} // file -> package
	type rel struct{ from, typ, to string }
	var lic []rel
	sources := map[string][]string{} // package -> source artefacts generating it
	for i := range g.Graph {
		e := &g.Graph[i]
		switch k := e.kind(); {
		case strings.HasPrefix(k, "security_") && strings.Contains(k, "Vuln"):
			doc.HasVulnerabilities = true
		case k != "Relationship":
			continue
		}
		switch e.RelType {
		case "hasDistributionArtifact":
			for _, t := range e.To {
				distOf[t] = e.From
			}
		case "hasConcludedLicense", "hasDeclaredLicense":
			for _, t := range e.To {
				lic = append(lic, rel{e.From, e.RelType, t})
			}
		case "generates":
			for _, t := range e.To {
				sources[t] = append(sources[t], e.From)
			}
		case "dependsOn", "contains", "hasStaticLink", "hasDynamicLink", "hasPrerequisite":
			doc.Deps[e.From] = append(doc.Deps[e.From], e.To...)
			if c := spdx3Completeness(e.Completeness); c != "" {
				doc.Completeness[e.From] = c
			}
		case "hasAssessmentFor", "affects", "fixedIn", "foundBy":
			doc.HasVulnerabilities = true
		}
	}

	index := map[string]int{}
	for i := range g.Graph {
		e := &g.Graph[i]
		k := e.kind()
		if k != "software_Package" && k != "software_File" && k != "Package" && k != "File" {
			continue
		}
		isFile := strings.HasSuffix(k, "File")
		if isFile && distOf[e.id()] != "" {
			continue // the deployable form of a package: read into it
		}
		if isFile && e.PrimaryPurpose == "source" {
			continue
		}
		c := spdx3Component(e, byID)
		if isFile {
			c.File = true
			c.Filename = baseName(e.Name)
			setPurposeProps(&c, e)
		}
		for _, s := range sources[e.id()] {
			if src := byID[s]; src != nil {
				x := Ref{Type: "source-distribution", Hashes: spdx3Hashes(src.Verified)}
				for _, r := range src.ExtRefs {
					if r.Type == "sourceArtifact" && len(r.Locator) > 0 {
						x.URL = r.Locator[0]
					}
				}
				c.Refs = append(c.Refs, x)
			}
		}
		index[c.ID] = len(doc.Elements)
		doc.Elements = append(doc.Elements, c)
	}
	// Deployable forms: the file's hash as the distribution's, its name as
	// the filename, its purposes as the TR's three properties.
	files := make([]string, 0, len(distOf))
	for f := range distOf {
		files = append(files, f)
	}
	slices.Sort(files)
	for _, f := range files {
		i, ok := index[distOf[f]]
		fe := byID[f]
		if !ok || fe == nil {
			continue
		}
		c := &doc.Elements[i]
		x := Ref{Type: "distribution", Hashes: spdx3Hashes(fe.Verified)}
		for _, r := range fe.ExtRefs {
			if r.Type == "binaryArtifact" && len(r.Locator) > 0 {
				x.URL = r.Locator[0]
			}
		}
		c.Refs = append(c.Refs, x)
		if c.Filename == "" {
			c.Filename = baseName(fe.Name)
		}
		setPurposeProps(c, fe)
	}
	for _, l := range lic {
		i, ok := index[l.from]
		le := byID[l.to]
		if !ok || le == nil {
			continue
		}
		expr := spdx3Licence(le)
		if expr == "" || expr == "NOASSERTION" || expr == "NONE" {
			continue
		}
		c := &doc.Elements[i]
		if l.typ == "hasConcludedLicense" {
			c.Concluded = append(c.Concluded, expr)
		} else {
			c.Declared = append(c.Declared, expr)
		}
	}
	// The primary component: the document's root element, or the root
	// element of the SBOM element it names.
	if docElem != nil {
		roots := slices.Clone(docElem.RootElement)
		for _, r := range docElem.RootElement {
			if e := byID[r]; e != nil && e.kind() == "software_Sbom" {
				roots = append(roots, e.RootElement...)
			}
		}
		for _, r := range roots {
			if _, ok := index[r]; ok {
				doc.Root = r
				break
			}
		}
	}
	return doc, nil
}

func creationInfo(e *spdx3Elem, byID map[string]*spdx3Elem) *spdx3Elem {
	raw := bytes.TrimSpace(e.CreationInfo)
	if len(raw) == 0 {
		return nil
	}
	if raw[0] == '"' {
		var ref string
		if json.Unmarshal(raw, &ref) == nil {
			return byID[ref]
		}
		return nil
	}
	var inline spdx3Elem
	if json.Unmarshal(raw, &inline) == nil {
		return &inline
	}
	return nil
}

func spdx3Completeness(c string) string {
	switch c {
	case "complete", "incomplete":
		return c
	case "noAssertion":
		return "unknown"
	}
	return ""
}

// spdx3Hashes maps algorithm names as written ("sha512") to lower-case hex.
func spdx3Hashes(hs []spdx3Hash) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		out[h.Algorithm] = strings.ToLower(h.HashValue)
	}
	return out
}

// spdx3Agent reads a Person, Organization or SoftwareAgent: an e-mail
// from its email identifier, a URL from a urlScheme (or other http)
// identifier.
func spdx3Agent(a *spdx3Elem) Agent {
	p := Agent{Name: a.Name}
	for _, x := range a.extIDs() {
		switch {
		case x.Type == "email" && p.Email == "":
			p.Email = x.Identifier
		case (x.Type == "urlScheme" || x.Type == "other") && p.URL == "" &&
			(strings.HasPrefix(x.Identifier, "https://") || strings.HasPrefix(x.Identifier, "http://")):
			p.URL = x.Identifier
		}
	}
	return p
}

// spdx3Licence returns the expression of a licence element: a
// LicenseExpression, or a listed licence named by its IRI.
func spdx3Licence(e *spdx3Elem) string {
	if e.LicenceExpr != "" {
		return e.LicenceExpr
	}
	if e.LicenceExprAlt != "" {
		return e.LicenceExprAlt
	}
	if k := e.kind(); strings.HasSuffix(k, "ListedLicense") || strings.HasSuffix(k, "CustomLicense") {
		id := e.id()
		if i := strings.LastIndexAny(id, "/#"); i >= 0 {
			id = id[i+1:]
		}
		return id
	}
	return ""
}

func spdx3Component(e *spdx3Elem, byID map[string]*spdx3Elem) Element {
	c := Element{ID: e.id(), Purpose: e.PrimaryPurpose, Name: e.Name, Version: e.PackageVersion, PURL: e.PackageURL,
		Hashes: spdx3Hashes(e.Verified), Props: map[string][]string{}}
	for _, x := range e.extIDs() {
		switch x.Type {
		case "packageUrl", "packageURL":
			if c.PURL == "" {
				c.PURL = x.Identifier
			}
		case "cpe23", "cpe22":
			if c.CPE == "" {
				c.CPE = x.Identifier
			}
		case "swid":
			if c.SWID == "" {
				c.SWID = x.Identifier
			}
		}
	}
	if e.DownloadLocation != "" && e.DownloadLocation != "NOASSERTION" && e.DownloadLocation != "NONE" {
		c.Refs = append(c.Refs, Ref{Type: "distribution", URL: e.DownloadLocation})
	}
	for _, r := range e.ExtRefs {
		for _, loc := range r.Locator {
			switch {
			case r.Type == "securityOther" && strings.HasSuffix(loc, "security.txt"):
				c.Refs = append(c.Refs, Ref{Type: "rfc-9116", URL: loc})
			case r.Type == "vcs" || r.Type == "sourceArtifact":
				c.Refs = append(c.Refs, Ref{Type: "vcs", URL: loc})
			case r.Type == "binaryArtifact":
				c.Refs = append(c.Refs, Ref{Type: "distribution", URL: loc})
			}
		}
	}
	for _, id := range e.OriginatedBy {
		if a := byID[id]; a != nil {
			c.Originators = append(c.Originators, spdx3Agent(a))
		}
	}
	for _, id := range e.SuppliedBy {
		if a := byID[id]; a != nil {
			c.Suppliers = append(c.Suppliers, spdx3Agent(a))
		}
	}
	return c
}

// setPurposeProps derives the TR's three properties from a file's
// purposes, as section 8.2 maps them: "executable" and "archive" are
// listed when they apply and absent otherwise; "container" marks a
// structured file, "firmware" an unstructured one.
func setPurposeProps(c *Element, f *spdx3Elem) {
	purposes := append([]string{f.PrimaryPurpose}, f.AdditionalPurpose...)
	has := func(p string) bool { return slices.Contains(purposes, p) }
	set := func(name, v string) {
		if len(c.Props[name]) == 0 {
			c.Props[name] = []string{v}
		}
	}
	set("bsi:component:executable", map[bool]string{true: "executable", false: "non-executable"}[has("executable")])
	set("bsi:component:archive", map[bool]string{true: "archive", false: "no archive"}[has("archive")])
	switch {
	case has("container"):
		set("bsi:component:structured", "structured")
	case has("firmware"):
		set("bsi:component:structured", "unstructured")
	}
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 {
		return p[i+1:]
	}
	return p
}
