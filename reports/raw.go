package reports

// This file is the only place reports read SBOM, vulnerability and VEX
// evidence, and it reads them generically (plain JSON, no evidence/sbom,
// evidence/vuln or evidence/vex types): those packages are written
// concurrently. At merge, collectSBOM and collectVulns can be re-pointed at
// the typed parsers without touching any renderer.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
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
	vex := d.itemsWithRole(bundle.RoleVEX)
	if !ok {
		return
	}
	b, err := in.Read(bundle.VulnsFile)
	if err != nil {
		d.note("%s: %v", bundle.VulnsFile, err)
		return
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		d.note("%s: not readable as JSON: %v", bundle.VulnsFile, err)
		return
	}
	t := &VulnTable{File: f, VEX: vex}
	if m, ok := doc.(map[string]any); ok {
		for _, k := range []string{"database", "db", "source"} {
			if db, ok := m[k].(map[string]any); ok {
				t.Database = scalars(db)
				break
			}
		}
	}
	findVulns(doc, "", &t.Rows)
	stmts := d.readVEX(in, vex)
	for i := range t.Rows {
		t.Rows[i].VEX, t.Rows[i].Justification = stmts.status(t.Rows[i])
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

// SeverityRank orders severities for display; unknown sorts with high (as the gate treats it).
func SeverityRank(s string) int { return checks.SeverityRank(s) }

// findVulns walks any JSON shape and takes every object that names a
// vulnerability ("id", "vulnerability" or "vuln_id") next to a package
// ("package", "purl" or "component"), inheriting the package of an
// enclosing object (osv-scanner's results[].packages[].vulnerabilities[]).
func findVulns(v any, pkg string, out *[]Vuln) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			findVulns(e, pkg, out)
		}
	case map[string]any:
		if p := pkgOf(x); p != "" {
			pkg = p
		}
		id := str(x, "id", "vuln_id", "osv_id", "cve")
		if vv, ok := x["vulnerability"].(map[string]any); ok && id == "" {
			id = str(vv, "id", "name")
		} else if s, ok := x["vulnerability"].(string); ok && id == "" {
			id = s
		}
		if id != "" && pkg != "" && looksLikeVulnID(id) {
			name, version, purl := splitPkg(x, pkg)
			*out = append(*out, Vuln{ID: id, Package: name, Version: version, PURL: purl,
				Severity: strings.ToLower(str(x, "severity", "max_severity")), Fixed: str(x, "fixed", "fixed_version", "fix"),
				Aliases: strs(x["aliases"])})
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			findVulns(x[k], pkg, out)
		}
	}
}

func looksLikeVulnID(id string) bool {
	return strings.Contains(id, "-") && !strings.Contains(id, " ") && !strings.HasPrefix(id, "pkg:")
}

func pkgOf(m map[string]any) string {
	if s := str(m, "purl"); s != "" {
		return s
	}
	switch p := m["package"].(type) {
	case string:
		return p
	case map[string]any:
		if s := str(p, "purl"); s != "" {
			return s
		}
		if n := str(p, "name"); n != "" {
			return n + "@" + str(p, "version")
		}
	}
	if c, ok := m["component"].(map[string]any); ok {
		return str(c, "purl", "bom-ref", "name")
	}
	return str(m, "component")
}

// splitPkg turns "pkg:apk/alpine/busybox@1.36.1-r2?arch=..." or "name@version" into parts.
func splitPkg(m map[string]any, pkg string) (name, version, purl string) {
	if strings.HasPrefix(pkg, "pkg:") {
		purl = pkg
		p := strings.SplitN(pkg, "?", 2)[0]
		p = p[strings.LastIndex(p, "/")+1:]
		name, version, _ = strings.Cut(p, "@")
		return name, version, purl
	}
	name, version, _ = strings.Cut(pkg, "@")
	if v := str(m, "version", "installed_version"); v != "" {
		version = v
	}
	return name, version, ""
}

func str(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func strs(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// scalars lists an object's scalar and string-list fields as "key: value", sorted.
func scalars(m map[string]any) []NameCount {
	var out []NameCount
	for k, v := range m {
		switch x := v.(type) {
		case string, float64, bool:
			out = append(out, NameCount{Name: fmt.Sprintf("%s: %v", k, x)})
		case []any:
			if s := strs(x); len(s) > 0 {
				out = append(out, NameCount{Name: k + ": " + strings.Join(s, ", ")})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// vexStatements are the OpenVEX statements of the bundle, in document order.
type vexStatements []vexStatement

type vexStatement struct {
	ids                   []string
	products              []string
	status, justification string
}

func (d *Data) readVEX(in *checks.Input, files []FileRef) vexStatements {
	var out vexStatements
	for _, f := range files {
		b, err := in.Read(f.Path)
		if err != nil {
			d.note("%s: %v", f.Path, err)
			continue
		}
		var doc struct {
			Statements []struct {
				Vulnerability struct {
					Name    string   `json:"name"`
					ID      string   `json:"@id"`
					Aliases []string `json:"aliases"`
				} `json:"vulnerability"`
				Products []struct {
					ID          string `json:"@id"`
					Identifiers struct {
						PURL string `json:"purl"`
					} `json:"identifiers"`
					Subcomponents []struct {
						ID          string `json:"@id"`
						Identifiers struct {
							PURL string `json:"purl"`
						} `json:"identifiers"`
					} `json:"subcomponents"`
				} `json:"products"`
				Status        string `json:"status"`
				Justification string `json:"justification"`
				Impact        string `json:"impact_statement"`
			} `json:"statements"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			d.note("%s: not readable as OpenVEX: %v", f.Path, err)
			continue
		}
		for _, s := range doc.Statements {
			st := vexStatement{status: s.Status, justification: s.Justification}
			if st.justification == "" {
				st.justification = s.Impact
			}
			st.ids = append([]string{s.Vulnerability.Name, s.Vulnerability.ID}, s.Vulnerability.Aliases...)
			for _, p := range s.Products {
				// A statement about a product's subcomponent is about that
				// component; without subcomponents it is about the product.
				if len(p.Subcomponents) == 0 {
					st.products = append(st.products, p.ID, p.Identifiers.PURL)
				}
				for _, sc := range p.Subcomponents {
					st.products = append(st.products, sc.ID, sc.Identifiers.PURL)
				}
			}
			out = append(out, st)
		}
	}
	return out
}

// status is the last statement naming the vulnerability (by ID or alias)
// and the product (by purl without qualifiers, case-insensitively), or one
// that names no product.
func (s vexStatements) status(v Vuln) (string, string) {
	ids := append([]string{v.ID}, v.Aliases...)
	status, just := "", ""
	for _, st := range s {
		if !overlap(st.ids, ids) {
			continue
		}
		if len(st.products) > 0 && !productMatch(st.products, v) {
			continue
		}
		status, just = st.status, st.justification
	}
	return status, just
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x != "" && strings.EqualFold(x, y) {
				return true
			}
		}
	}
	return false
}

func productMatch(products []string, v Vuln) bool {
	base := func(p string) string { return strings.ToLower(strings.SplitN(p, "?", 2)[0]) }
	for _, p := range products {
		if p == "" {
			continue
		}
		if v.PURL != "" && base(p) == base(v.PURL) {
			return true
		}
		if v.PURL == "" && strings.EqualFold(base(p), v.Package+"@"+v.Version) {
			return true
		}
	}
	return false
}
