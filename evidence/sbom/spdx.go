package sbom

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The SPDX 2.2 / 2.3 JSON shape, as far as craudit reads it.
type spdxDoc struct {
	SPDXVersion       string `json:"spdxVersion"`
	SPDXID            string `json:"SPDXID"`
	Name              string `json:"name"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	DocumentDescribes []string           `json:"documentDescribes"`
	Packages          []spdxPackage      `json:"packages"`
	Files             []spdxFile         `json:"files"`
	Relationships     []spdxRelationship `json:"relationships"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxPackage struct {
	SPDXID           string         `json:"SPDXID"`
	Name             string         `json:"name"`
	VersionInfo      string         `json:"versionInfo"`
	PackageFileName  string         `json:"packageFileName"`
	Supplier         string         `json:"supplier"`
	Originator       string         `json:"originator"`
	DownloadLocation string         `json:"downloadLocation"`
	LicenseConcluded string         `json:"licenseConcluded"`
	LicenseDeclared  string         `json:"licenseDeclared"`
	Checksums        []spdxChecksum `json:"checksums"`
	ExternalRefs     []struct {
		Category string `json:"referenceCategory"`
		Type     string `json:"referenceType"`
		Locator  string `json:"referenceLocator"`
	} `json:"externalRefs"`
	PrimaryPurpose string `json:"primaryPackagePurpose"`
}

type spdxFile struct {
	SPDXID           string         `json:"SPDXID"`
	FileName         string         `json:"fileName"`
	Checksums        []spdxChecksum `json:"checksums"`
	LicenseConcluded string         `json:"licenseConcluded"`
	FileTypes        []string       `json:"fileTypes"`
}

type spdxRelationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

func decodeSPDX(b []byte) (*Document, error) {
	var d spdxDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("SPDX: %w", err)
	}
	ver, ok := strings.CutPrefix(d.SPDXVersion, "SPDX-")
	if !ok {
		return nil, fmt.Errorf("spdxVersion %q is not SPDX-<version>", d.SPDXVersion)
	}
	doc := &Document{Format: "SPDX", SpecVersion: ver, Serial: d.DocumentNamespace, URI: d.DocumentNamespace,
		Timestamp: d.CreationInfo.Created, Deps: map[string][]string{}, Completeness: map[string]string{}}
	for _, c := range d.CreationInfo.Creators {
		kind, rest, _ := strings.Cut(c, ":")
		rest = strings.TrimSpace(rest)
		switch strings.TrimSpace(kind) {
		case "Tool":
			doc.Tools = append(doc.Tools, rest)
		case "Organization", "Person":
			party := spdxParty(rest)
			party.Role = RoleAuthor
			doc.Creators = append(doc.Creators, party)
		}
	}
	described := map[string]bool{}
	for _, id := range d.DocumentDescribes {
		described[id] = true
	}
	for _, r := range d.Relationships {
		if r.Element == d.SPDXID && r.Type == "DESCRIBES" {
			described[r.Related] = true
		}
	}
	for _, p := range d.Packages {
		c := Component{Ref: p.SPDXID, Type: strings.ToLower(p.PrimaryPurpose), Name: p.Name, Version: p.VersionInfo,
			Filename: p.PackageFileName, Hashes: map[string]string{}, Properties: map[string][]string{}}
		for _, h := range p.Checksums {
			c.Hashes[normAlg(h.Algorithm)] = strings.ToLower(h.ChecksumValue)
		}
		for _, l := range []string{p.LicenseDeclared, p.LicenseConcluded} {
			if spdxValue(l) {
				c.Licences = append(c.Licences, l)
				break
			}
		}
		if spdxValue(p.LicenseConcluded) {
			c.Concluded = append(c.Concluded, p.LicenseConcluded)
		}
		if spdxValue(p.LicenseDeclared) {
			c.Declared = append(c.Declared, p.LicenseDeclared)
		}
		if spdxValue(p.DownloadLocation) {
			c.ExtRefs = append(c.ExtRefs, ExtRef{Type: "distribution", URL: p.DownloadLocation})
		}
		for i, who := range []string{p.Originator, p.Supplier} {
			if who != "" && who != "NOASSERTION" {
				_, rest, _ := strings.Cut(who, ":")
				party := spdxParty(strings.TrimSpace(rest))
				party.Role = RoleOriginator
				if i == 1 {
					party.Role = RoleSupplier
				}
				c.Creators = append(c.Creators, party)
			}
		}
		if p.Supplier != "" && p.Supplier != "NOASSERTION" {
			_, rest, _ := strings.Cut(p.Supplier, ":")
			c.Supplier = spdxParty(strings.TrimSpace(rest)).Name
		}
		for _, r := range p.ExternalRefs {
			switch r.Type {
			case "purl":
				if c.PURL == "" {
					c.PURL = r.Locator
				}
			case "cpe23Type", "cpe22Type":
				if c.CPE == "" {
					c.CPE = r.Locator
				}
			}
		}
		if described[p.SPDXID] && doc.Subject == nil {
			s := c
			doc.Subject = &s
		}
		doc.Components = append(doc.Components, c)
	}
	for _, f := range d.Files {
		c := Component{Ref: f.SPDXID, Type: "file", Name: f.FileName, Filename: baseName(f.FileName),
			Hashes: map[string]string{}, Properties: map[string][]string{}}
		for _, h := range f.Checksums {
			c.Hashes[normAlg(h.Algorithm)] = strings.ToLower(h.ChecksumValue)
		}
		if l := f.LicenseConcluded; spdxValue(l) {
			c.Licences = append(c.Licences, l)
			c.Concluded = append(c.Concluded, l)
		}
		doc.Components = append(doc.Components, c)
	}
	for _, r := range d.Relationships {
		switch r.Type {
		case "DEPENDS_ON", "CONTAINS", "STATIC_LINK", "DYNAMIC_LINK", "HAS_PREREQUISITE":
			doc.Deps[r.Element] = append(doc.Deps[r.Element], r.Related)
		case "DEPENDENCY_OF", "CONTAINED_BY", "PREREQUISITE_FOR":
			doc.Deps[r.Related] = append(doc.Deps[r.Related], r.Element)
		}
		// SPDX 2.x states "no further dependencies" with NONE and
		// "unknown" with NOASSERTION as the related element.
		switch r.Related {
		case "NONE":
			doc.Completeness[r.Element] = "complete"
		case "NOASSERTION":
			doc.Completeness[r.Element] = "unknown"
		}
	}
	for k, v := range doc.Deps {
		doc.Deps[k] = dropSpecial(v)
	}
	return doc, nil
}

// spdxValue reports whether an SPDX 2 field holds a value, not NONE or
// NOASSERTION.
func spdxValue(v string) bool { return v != "" && v != "NOASSERTION" && v != "NONE" }

func dropSpecial(refs []string) []string {
	out := refs[:0]
	for _, r := range refs {
		if r != "NONE" && r != "NOASSERTION" {
			out = append(out, r)
		}
	}
	return out
}

// spdxParty reads "Name (mail@example)" as SPDX writes creators.
func spdxParty(s string) Party {
	p := Party{Name: s}
	if i := strings.LastIndex(s, "("); i >= 0 && strings.HasSuffix(s, ")") {
		inner := strings.TrimSpace(s[i+1 : len(s)-1])
		p.Name = strings.TrimSpace(s[:i])
		switch {
		case strings.Contains(inner, "@"):
			p.Email = inner
		case strings.HasPrefix(inner, "http"):
			p.URL = inner
		}
	}
	return p
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, "/\\"); i >= 0 {
		return p[i+1:]
	}
	return p
}
