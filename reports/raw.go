package reports

// This file is the only place reports read SBOM, vulnerability and VEX
// evidence. The SBOM summary reads CycloneDX JSON directly (it only counts
// and lists); the vulnerability table is the one the gate judges
// (sbomcheck.Table), so a report never shows a VEX status the gate did not apply.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/sbomcheck"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/vex"
	"github.com/craudit/craudit/evidence/vuln"
)

// SBOMSummary is what a reader needs from the release's CycloneDX SBOM.
type SBOMSummary struct {
	File        FileRef
	SpecVersion string
	Timestamp   string
	Tools       []string
	Subject     string // metadata.component name and version
	Components  []Component
	// Counts by component type, sorted by type.
	Types []NameCount
	// How many components carry a licence, a purl, a SHA-512 hash.
	WithLicence, WithPURL, WithSHA512 int
	Dependencies                      int // entries of the dependencies graph
	Imported                          []FileRef
}

// Component is one SBOM component.
type Component struct {
	Name, Version, Type, PURL, Licences, Supplier string
	SHA512                                        bool
}

// NameCount is a label with a count.
type NameCount struct {
	Name  string
	Count int
}

// VulnTable is the vulnerability scan with the VEX status of each match.
type VulnTable struct {
	File FileRef
	// Database lists the scan database's provenance as given (source, ecosystems ...).
	Database []NameCount // Count unused; Name is "key: value"
	Rows     []Vuln
	VEX      []FileRef
}

// Vuln is one vulnerability matched to one component.
type Vuln struct {
	ID, Package, Version, PURL, Severity, Fixed string
	Aliases                                     []string
	// VEX is the effective VEX status ("" when no statement covers it).
	VEX, Justification string
}

func (d *Data) note(format string, a ...any) { d.Notes = append(d.Notes, fmt.Sprintf(format, a...)) }

func (d *Data) collectSBOM(in *checks.Input) {
	f, ok := d.File(bundle.SBOMFile)
	if !ok {
		return
	}
	b, err := in.Read(bundle.SBOMFile)
	if err != nil {
		d.note("%s: %v", bundle.SBOMFile, err)
		return
	}
	s, err := summarizeSBOM(b)
	if err != nil {
		d.note("%s: not readable as CycloneDX JSON: %v", bundle.SBOMFile, err)
		return
	}
	s.File, s.Imported = f, d.itemsWithRole(bundle.RoleSBOMImported)
	d.SBOM = s
}

// summarizeSBOM reads a CycloneDX JSON document generically.
func summarizeSBOM(b []byte) (*SBOMSummary, error) {
	var doc struct {
		SpecVersion string `json:"specVersion"`
		Metadata    struct {
			Timestamp string          `json:"timestamp"`
			Tools     json.RawMessage `json:"tools"`
			Component *cdxComponent   `json:"component"`
		} `json:"metadata"`
		Components   []cdxComponent    `json:"components"`
		Dependencies []json.RawMessage `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	s := &SBOMSummary{SpecVersion: doc.SpecVersion, Timestamp: doc.Metadata.Timestamp,
		Tools: toolNames(doc.Metadata.Tools), Dependencies: len(doc.Dependencies)}
	if c := doc.Metadata.Component; c != nil {
		s.Subject = strings.TrimSpace(c.Name + " " + c.Version)
	}
	types := map[string]int{}
	var walk func(cs []cdxComponent)
	walk = func(cs []cdxComponent) {
		for _, c := range cs {
			comp := c.summary()
			s.Components = append(s.Components, comp)
			types[comp.Type]++
			if comp.Licences != "" {
				s.WithLicence++
			}
			if comp.PURL != "" {
				s.WithPURL++
			}
			if comp.SHA512 {
				s.WithSHA512++
			}
			walk(c.Components)
		}
	}
	walk(doc.Components)
	sort.SliceStable(s.Components, func(i, j int) bool {
		a, b := s.Components[i], s.Components[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	s.Types = sortedCounts(types)
	return s, nil
}

type cdxComponent struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	PURL     string `json:"purl"`
	Supplier *struct {
		Name string `json:"name"`
	} `json:"supplier"`
	Author   string `json:"author"`
	Licenses []struct {
		License *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"license"`
		Expression string `json:"expression"`
	} `json:"licenses"`
	Hashes []struct {
		Alg string `json:"alg"`
	} `json:"hashes"`
	Components []cdxComponent `json:"components"`
}

func (c cdxComponent) summary() Component {
	out := Component{Name: c.Name, Version: c.Version, Type: c.Type, PURL: c.PURL, Supplier: c.Author}
	if c.Supplier != nil && c.Supplier.Name != "" {
		out.Supplier = c.Supplier.Name
	}
	var lic []string
	for _, l := range c.Licenses {
		switch {
		case l.Expression != "":
			lic = append(lic, l.Expression)
		case l.License != nil && l.License.ID != "":
			lic = append(lic, l.License.ID)
		case l.License != nil && l.License.Name != "":
			lic = append(lic, l.License.Name)
		}
	}
	out.Licences = strings.Join(lic, ", ")
	for _, h := range c.Hashes {
		if strings.EqualFold(h.Alg, "SHA-512") {
			out.SHA512 = true
		}
	}
	return out
}

// toolNames reads metadata.tools in both CycloneDX shapes (a list, or
// {components: [...]} since 1.5).
func toolNames(raw json.RawMessage) []string {
	type tool struct {
		Vendor  string `json:"vendor"`
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	var list []tool
	if json.Unmarshal(raw, &list) != nil {
		var obj struct {
			Components []tool `json:"components"`
		}
		json.Unmarshal(raw, &obj)
		list = obj.Components
	}
	var out []string
	for _, t := range list {
		out = append(out, strings.TrimSpace(t.Name+" "+t.Version))
	}
	return out
}

func sortedCounts(m map[string]int) []NameCount {
	out := make([]NameCount, 0, len(m))
	for k, v := range m {
		if k == "" {
			k = "(no type)"
		}
		out = append(out, NameCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (d *Data) collectVulns(in *checks.Input) {
	f, ok := d.File(bundle.VulnsFile)
	if !ok {
		return
	}
	b, err := in.Read(bundle.VulnsFile)
	if err != nil {
		d.note("%s: %v", bundle.VulnsFile, err)
		return
	}
	rep, err := vuln.Parse(b)
	if err != nil {
		d.note("%s: not a readable vulnerability report: %v", bundle.VulnsFile, err)
		return
	}
	t := &VulnTable{File: f, VEX: d.itemsWithRole(bundle.RoleVEX), Database: dbFacts(rep)}
	// The same table the gate judges (sbomcheck), so the report cannot
	// show a VEX status the gate did not apply.
	vt := sbomcheck.Table(in)
	if vt == nil && rep.Scanned {
		d.note("%s: the vulnerability table could not be built from the SBOM, scan and VEX", bundle.VulnsFile)
	}
	if vt != nil {
		for _, r := range vt.Rows {
			status := r.Status
			if status == vex.StatusNone {
				status = ""
			}
			t.Rows = append(t.Rows, Vuln{ID: r.ID, Aliases: r.Aliases, Package: r.Component.Name, Version: r.Component.Version,
				PURL: r.Component.PURL, Severity: r.Severity, Fixed: r.FixedVersion, VEX: status, Justification: r.Justification})
		}
	}
	sort.SliceStable(t.Rows, func(i, j int) bool {
		a, b := t.Rows[i], t.Rows[j]
		if ra, rb := SeverityRank(a.Severity), SeverityRank(b.Severity); ra != rb {
			return ra > rb
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Package < b.Package
	})
	d.Vulns = t
}

// dbFacts states the scan database's provenance, or why there was no scan.
func dbFacts(r *vuln.Report) []NameCount {
	if !r.Scanned {
		return []NameCount{{Name: "not scanned: " + r.NotScannedReason}}
	}
	out := []NameCount{{Name: "scanner: " + r.Scanner.Name + " " + r.Scanner.Version}}
	if db := r.Database; db != nil {
		var eco []string
		for _, e := range db.Ecosystems {
			eco = append(eco, fmt.Sprintf("%s (%d)", e.Name, e.Records))
		}
		out = append(out, NameCount{Name: "source: " + db.Source}, NameCount{Name: fmt.Sprintf("records: %d", db.Records)},
			NameCount{Name: "ecosystems: " + strings.Join(eco, ", ")}, NameCount{Name: "newest record: " + db.Newest.UTC().Format(time.RFC3339)})
	}
	return out
}

// SeverityRank orders severities for display; unknown sorts with high (as the gate treats it).
func SeverityRank(s string) int { return checks.SeverityRank(s) }

// findVulns walks any JSON shape and takes every object that names a
// vulnerability ("id", "vulnerability" or "vuln_id") next to a package
// ("package", "purl" or "component"), inheriting the package of an
// enclosing object (osv-scanner's results[].packages[].vulnerabilities[]).
