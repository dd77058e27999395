package reports

// This file is the only place reports read SBOM, vulnerability and VEX
// evidence, through the typed accessors of checks.Input: the SBOM summary
// is made from the Document the SBOM checks judge, and the vulnerability
// table is the one the gate judges, so a report never shows a VEX status the
// gate did not apply.

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/sbom"
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
	// Impact and Action are the deciding VEX statement's impact_statement
	// and action_statement: the manufacturer's reasoning, shown as written.
	Impact, Action string
	// Statement names the VEX document and statement that decided VEX.
	Statement string
}

func (d *Data) note(format string, a ...any) { d.Notes = append(d.Notes, fmt.Sprintf(format, a...)) }

func (d *Data) collectSBOM(in *checks.Input) {
	f, ok := d.File(bundle.SBOMFile)
	if !ok {
		return
	}
	doc, err := in.SBOM()
	if err != nil {
		d.note("%v", err)
		return
	}
	s := summarizeSBOM(doc)
	s.File, s.Imported = f, d.itemsWithRole(bundle.RoleSBOMImported)
	d.SBOM = s
}

// summarizeSBOM counts and lists what a reader needs from the decoded SBOM
// (the same Document the SBOM checks judge).
func summarizeSBOM(doc *sbom.Document) *SBOMSummary {
	s := &SBOMSummary{SpecVersion: doc.SpecVersion, Timestamp: doc.Timestamp, Tools: doc.Tools, Dependencies: len(doc.Deps)}
	if c := doc.Subject; c != nil {
		s.Subject = strings.TrimSpace(c.Name + " " + c.Version)
	}
	types := map[string]int{}
	for i := range doc.Components {
		c := &doc.Components[i]
		comp := Component{Name: c.Name, Version: c.Version, Type: c.Type, PURL: c.PURL, Supplier: c.Supplier,
			Licences: strings.Join(uniq(append(slices.Clone(c.Licences), c.LicenceNames...)), ", "), SHA512: c.Hashes["SHA-512"] != ""}
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
	}
	sort.SliceStable(s.Components, func(i, j int) bool {
		a, b := s.Components[i], s.Components[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	s.Types = sortedCounts(types)
	return s
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
	rep, err := in.Vulns()
	if err != nil {
		d.note("%v", err)
		return
	}
	t := &VulnTable{File: f, VEX: d.itemsWithRole(bundle.RoleVEX), Database: dbFacts(rep)}
	// The same table the gate judges (checks.Input.VulnTable), so the
	// report cannot show a VEX status the gate did not apply.
	vt, err := in.VulnTable()
	if err != nil && rep.Scanned {
		d.note("%s: the vulnerability table could not be built from the SBOM, scan and VEX", bundle.VulnsFile)
	}
	if vt != nil {
		for _, r := range vt.Rows {
			status := r.Status
			if status == vex.StatusNone {
				status = ""
			}
			t.Rows = append(t.Rows, Vuln{ID: r.ID, Aliases: r.Aliases, Package: r.Component.Name, Version: r.Component.Version,
				PURL: r.Component.PURL, Severity: r.Severity, Fixed: r.FixedVersion, VEX: status, Justification: r.Justification,
				Impact: r.ImpactStatement, Action: r.ActionStatement, Statement: r.Statement})
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
		if db.Newest.IsZero() {
			out[len(out)-1].Name = "newest record: none carries a date (age unknown)"
		}
		if db.Undated > 0 {
			out = append(out, NameCount{Name: fmt.Sprintf("records without a date: %d", db.Undated)})
		}
	}
	if n := len(r.Unscanned); n > 0 {
		out = append(out, NameCount{Name: fmt.Sprintf("components not scanned: %d (vuln/scan-present lists them)", n)})
	}
	return out
}

// SeverityRank orders severities for display; unknown sorts with high (as the gate treats it).
func SeverityRank(s string) int { return checks.SeverityRank(s) }

// uniq drops repeated strings, keeping the first of each.
func uniq(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
