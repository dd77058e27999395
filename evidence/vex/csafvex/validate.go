package csafvex

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/craudit/craudit/evidence/sbom"
)

// ValidateSchema validates raw against the CSAF 2.0 JSON schema (gocsaf's
// embedded copy of the OASIS schema and FIRST's CVSS schemas: no network).
// It returns the schema violations; the error means it could not validate.
func ValidateSchema(raw []byte) ([]string, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return gocsaf.ValidateCSAF(doc)
}

// Problem is one failed mandatory test (CSAF 2.0 section 6.1).
type Problem struct {
	Test    string // e.g. "6.1.27.9"
	Path    string // JSON path of the offending element
	Message string
}

func (p Problem) String() string { return p.Test + " " + p.Path + ": " + p.Message }

// MandatoryTests lists the mandatory tests of CSAF 2.0 section 6.1 that
// Mandatory runs. The others either concern parts craudit neither writes
// nor reads (CVSS scores, CWE, translations, involvements, acknowledgments)
// or other profiles.
var MandatoryTests = []string{
	"6.1.1 missing definition of product ID", "6.1.2 multiple definition of product ID",
	"6.1.4 missing definition of product group ID", "6.1.5 multiple definition of product group ID",
	"6.1.6 contradicting product status", "6.1.13 PURL", "6.1.14 sorted revision history",
	"6.1.16 latest document version", "6.1.21 missing item in revision history",
	"6.1.22 multiple definition in revision history", "6.1.23 multiple use of same CVE",
	"6.1.27.4 product tree", "6.1.27.7 VEX product status", "6.1.27.8 vulnerability ID",
	"6.1.27.9 impact statement", "6.1.27.10 action statement", "6.1.27.11 vulnerabilities",
	"6.1.29 remediation without product reference", "6.1.31 version range in product version",
	"6.1.32 flag without product reference", "6.1.33 multiple flags with VEX justification codes per product",
}

// Mandatory runs the mandatory tests listed in MandatoryTests.
func Mandatory(d *Document) []Problem {
	m := &mandatory{d: d, defined: map[string]int{}, groups: map[string][]string{}}
	m.products()
	m.groupsDefined()
	m.references()
	m.revisions()
	m.vulnerabilities()
	m.profile()
	return m.out
}

type mandatory struct {
	d       *Document
	defined map[string]int
	groups  map[string][]string
	out     []Problem
}

func (m *mandatory) add(test, path, format string, a ...any) {
	m.out = append(m.out, Problem{Test: test, Path: path, Message: fmt.Sprintf(format, a...)})
}

var versionRange = regexp.MustCompile(`(?i)(<|>|after|all|before|earlier|later|prior|versions)`)

func (m *mandatory) define(fpn *FullProductName, path string) {
	if fpn == nil {
		return
	}
	m.defined[fpn.ProductID]++
	if m.defined[fpn.ProductID] == 2 {
		m.add("6.1.2", path+".product_id", "product ID %q is defined more than once", fpn.ProductID)
	}
	if fpn.Helper != nil && fpn.Helper.PURL != "" {
		if _, err := sbom.ParsePURL(fpn.Helper.PURL); err != nil {
			m.add("6.1.13", path+".product_identification_helper.purl", "%v", err)
		}
	}
}

func (m *mandatory) products() {
	t := m.d.ProductTree
	if t == nil {
		return
	}
	var walk func(bs []Branch, path string)
	walk = func(bs []Branch, path string) {
		for i := range bs {
			p := fmt.Sprintf("%s[%d]", path, i)
			if bs[i].Category == "product_version" && versionRange.MatchString(bs[i].Name) {
				m.add("6.1.31", p+".name", "product_version %q looks like a version range", bs[i].Name)
			}
			m.define(bs[i].Product, p+".product")
			walk(bs[i].Branches, p+".branches")
		}
	}
	walk(t.Branches, "$.product_tree.branches")
	for i := range t.FullProductNames {
		m.define(&t.FullProductNames[i], fmt.Sprintf("$.product_tree.full_product_names[%d]", i))
	}
	for i := range t.Relationships {
		m.define(&t.Relationships[i].FullProductName, fmt.Sprintf("$.product_tree.relationships[%d].full_product_name", i))
	}
}

func (m *mandatory) groupsDefined() {
	if m.d.ProductTree == nil {
		return
	}
	for i, g := range m.d.ProductTree.ProductGroups {
		if _, dup := m.groups[g.GroupID]; dup {
			m.add("6.1.5", fmt.Sprintf("$.product_tree.product_groups[%d].group_id", i), "group ID %q is defined more than once", g.GroupID)
		}
		m.groups[g.GroupID] = g.ProductIDs
	}
}

func (m *mandatory) ref(id, path string) {
	if m.defined[id] == 0 {
		m.add("6.1.1", path, "product ID %q is not defined in the product tree", id)
	}
}

func (m *mandatory) refs(ids []string, path string) {
	for i, id := range ids {
		m.ref(id, fmt.Sprintf("%s[%d]", path, i))
	}
}

func (m *mandatory) groupRefs(ids []string, path string) {
	for i, id := range ids {
		if _, ok := m.groups[id]; !ok {
			m.add("6.1.4", fmt.Sprintf("%s[%d]", path, i), "group ID %q is not defined in the product tree", id)
		}
	}
}

func (m *mandatory) references() {
	if t := m.d.ProductTree; t != nil {
		for i, g := range t.ProductGroups {
			m.refs(g.ProductIDs, fmt.Sprintf("$.product_tree.product_groups[%d].product_ids", i))
		}
		for i, r := range t.Relationships {
			p := fmt.Sprintf("$.product_tree.relationships[%d]", i)
			m.ref(r.ProductReference, p+".product_reference")
			m.ref(r.RelatesToProductReference, p+".relates_to_product_reference")
		}
	}
	for i, v := range m.d.Vulnerabilities {
		p := fmt.Sprintf("$.vulnerabilities[%d]", i)
		for _, s := range v.ProductStatus.Statuses() {
			m.refs(s.IDs, p+".product_status."+s.Name)
		}
		for j, f := range v.Flags {
			m.refs(f.ProductIDs, fmt.Sprintf("%s.flags[%d].product_ids", p, j))
			m.groupRefs(f.GroupIDs, fmt.Sprintf("%s.flags[%d].group_ids", p, j))
		}
		for j, r := range v.Remediations {
			m.refs(r.ProductIDs, fmt.Sprintf("%s.remediations[%d].product_ids", p, j))
			m.groupRefs(r.GroupIDs, fmt.Sprintf("%s.remediations[%d].group_ids", p, j))
		}
		for j, t := range v.Threats {
			m.refs(t.ProductIDs, fmt.Sprintf("%s.threats[%d].product_ids", p, j))
			m.groupRefs(t.GroupIDs, fmt.Sprintf("%s.threats[%d].group_ids", p, j))
		}
	}
}

// intVersion reports whether v is integer versioning (a non-negative integer).
func intVersion(v string) (int, bool) {
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0
}

func (m *mandatory) revisions() {
	tr := m.d.Document.Tracking
	rh := tr.RevisionHistory
	seen := map[string]bool{}
	for i, r := range rh {
		if seen[r.Number] {
			m.add("6.1.22", fmt.Sprintf("$.document.tracking.revision_history[%d].number", i), "revision %q appears more than once", r.Number)
		}
		seen[r.Number] = true
	}
	if len(rh) == 0 {
		return
	}
	// Integer versioning only (craudit writes it); semantic versions are
	// compared as strings of their numbers, which suffices for ordering
	// checks of documents craudit reads but does not judge.
	var nums []int
	for _, r := range rh {
		n, ok := intVersion(r.Number)
		if !ok {
			return
		}
		nums = append(nums, n)
	}
	for i := 1; i < len(rh); i++ {
		if rh[i].Date < rh[i-1].Date || (rh[i].Date == rh[i-1].Date && nums[i] < nums[i-1]) {
			m.add("6.1.14", fmt.Sprintf("$.document.tracking.revision_history[%d]", i), "the revision history is not sorted by date and number")
			break
		}
	}
	last := slices.Max(nums)
	if v, ok := intVersion(tr.Version); !ok || v != last {
		m.add("6.1.16", "$.document.tracking.version", "version %q is not the newest revision number %d", tr.Version, last)
	}
	sorted := slices.Clone(nums)
	slices.Sort(sorted)
	if sorted[0] > 1 {
		m.add("6.1.21", "$.document.tracking.revision_history", "the revision history starts at %d, not 0 or 1", sorted[0])
	}
	for i := 1; i < len(sorted); i++ {
		if sorted[i] > sorted[i-1]+1 {
			m.add("6.1.21", "$.document.tracking.revision_history", "revision %d is missing", sorted[i-1]+1)
		}
	}
}

// expand returns product IDs plus the members of the groups named.
func (m *mandatory) expand(ids, groups []string) []string {
	out := slices.Clone(ids)
	for _, g := range groups {
		out = append(out, m.groups[g]...)
	}
	return out
}

func (m *mandatory) vulnerabilities() {
	cves := map[string]bool{}
	for i, v := range m.d.Vulnerabilities {
		p := fmt.Sprintf("$.vulnerabilities[%d]", i)
		if v.CVE != "" {
			if cves[v.CVE] {
				m.add("6.1.23", p+".cve", "%s is used by more than one vulnerability", v.CVE)
			}
			cves[v.CVE] = true
		}
		// 6.1.6: a product in two contradicting groups of statuses.
		class := map[string]string{}
		for _, s := range v.ProductStatus.Statuses() {
			c := statusClass(s.Name)
			for _, id := range s.IDs {
				if prev, ok := class[id]; ok && prev != c {
					m.add("6.1.6", p+".product_status", "product %q is both %s and %s", id, prev, c)
				}
				class[id] = c
			}
		}
		for j, r := range v.Remediations {
			if len(r.ProductIDs) == 0 && len(r.GroupIDs) == 0 {
				m.add("6.1.29", fmt.Sprintf("%s.remediations[%d]", p, j), "remediation names no product or group")
			}
		}
		flagged := map[string]bool{}
		for j, f := range v.Flags {
			fp := fmt.Sprintf("%s.flags[%d]", p, j)
			if len(f.ProductIDs) == 0 && len(f.GroupIDs) == 0 {
				m.add("6.1.32", fp, "flag names no product or group")
			}
			for _, id := range m.expand(f.ProductIDs, f.GroupIDs) {
				if flagged[id] {
					m.add("6.1.33", fp, "product %q has more than one VEX justification flag", id)
				}
				flagged[id] = true
			}
		}
	}
}

func statusClass(s string) string {
	switch s {
	case "first_affected", KnownAffected, "last_affected":
		return "affected"
	case KnownNotAffected:
		return "not affected"
	case "first_fixed", Fixed:
		return "fixed"
	case UnderInvestigation:
		return "under investigation"
	}
	return s // recommended: contradicts nothing
}

// profile runs the profile tests (6.1.27) of csaf_security_advisory and csaf_vex.
func (m *mandatory) profile() {
	cat := m.d.Document.Category
	if cat != CategoryAdvisory && cat != CategoryVEX {
		return
	}
	if m.d.ProductTree == nil {
		m.add("6.1.27.4", "$.product_tree", "a %s needs a product tree", cat)
	}
	if len(m.d.Vulnerabilities) == 0 {
		m.add("6.1.27.11", "$.vulnerabilities", "a %s needs vulnerabilities", cat)
	}
	if cat != CategoryVEX {
		return
	}
	for i, v := range m.d.Vulnerabilities {
		p := fmt.Sprintf("$.vulnerabilities[%d]", i)
		ps := v.ProductStatus
		if ps == nil || len(ps.Fixed)+len(ps.KnownAffected)+len(ps.KnownNotAffected)+len(ps.UnderInvestigation) == 0 {
			m.add("6.1.27.7", p+".product_status", "no fixed, known_affected, known_not_affected or under_investigation product")
		}
		if v.CVE == "" && len(v.IDs) == 0 {
			m.add("6.1.27.8", p, "neither cve nor ids")
		}
		if ps == nil {
			continue
		}
		impact := map[string]bool{}
		for _, f := range v.Flags {
			for _, id := range m.expand(f.ProductIDs, f.GroupIDs) {
				impact[id] = true
			}
		}
		for _, t := range v.Threats {
			if t.Category == "impact" {
				for _, id := range m.expand(t.ProductIDs, t.GroupIDs) {
					impact[id] = true
				}
			}
		}
		for j, id := range ps.KnownNotAffected {
			if !impact[id] {
				m.add("6.1.27.9", fmt.Sprintf("%s.product_status.known_not_affected[%d]", p, j), "product %q has no impact statement (flag or impact threat)", id)
			}
		}
		action := map[string]bool{}
		for _, r := range v.Remediations {
			for _, id := range m.expand(r.ProductIDs, r.GroupIDs) {
				action[id] = true
			}
		}
		for j, id := range ps.KnownAffected {
			if !action[id] {
				m.add("6.1.27.10", fmt.Sprintf("%s.product_status.known_affected[%d]", p, j), "product %q has no action statement (remediation)", id)
			}
		}
	}
}
