package csaf

import (
	"slices"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/vex/csafvex"
)

// fixedBy reports whether the release fixes v (a fixed status for the
// release or one of its components).
func fixedBy(v *vulnerability) []string {
	var out []string
	for _, e := range v.entries {
		if e.status == csafvex.Fixed {
			out = append(out, e.product)
		}
	}
	return out
}

// advisory is the csaf_security_advisory: the vulnerabilities the release
// fixes, fixed in the release (and the components that carry the fix),
// known_affected in the previous release when release.yaml names it.
func (b *builder) advisory() *csafvex.Document {
	id := b.releaseID()
	title := b.p.Product.Name + " " + b.r.Version + ": security update"
	d := &csafvex.Document{Document: b.meta(csafvex.CategoryAdvisory, id, title)}
	if b.r.Severity != "" {
		d.Document.AggregateSeverity = &csafvex.AggregateSeverity{Text: b.r.Severity}
	}
	used := map[string]bool{}
	var fixedIDs []string
	for _, v := range b.vulns {
		fixed := fixedBy(v)
		if len(fixed) == 0 {
			continue
		}
		if !slices.Contains(fixed, id) {
			fixed = append([]string{id}, fixed...)
		}
		sort.Strings(fixed)
		cve, ids := b.ids(v)
		fixedIDs = append(fixedIDs, v.key)
		vd := csafvex.Vulnerability{CVE: cve, IDs: ids, Title: v.summary, Notes: b.vulnNotes(v),
			ProductStatus: &csafvex.ProductStatus{Fixed: fixed}}
		fix := csafvex.Remediation{Category: "vendor_fix", URL: b.r.AdvisoryURL,
			Details: "Install " + b.p.Product.Name + " " + b.r.Version + ", which fixes this vulnerability.", ProductIDs: fixed}
		if prev := b.previousID(); prev != "" {
			vd.ProductStatus.KnownAffected = []string{prev}
			fix.ProductIDs = []string{prev}
			used[prev] = true
		}
		vd.Remediations = []csafvex.Remediation{fix}
		for _, p := range fixed {
			used[p] = true
		}
		d.Vulnerabilities = append(d.Vulnerabilities, vd)
	}
	summary := b.p.Product.Name + " " + b.r.Version + " is a " + b.r.UpdateType + " update"
	if len(fixedIDs) > 0 {
		summary += "; it fixes " + strings.Join(fixedIDs, ", ")
	}
	summary += "."
	if b.r.Notes != "" {
		summary += " Release notes: " + b.r.Notes
	}
	d.Document.Notes = append([]csafvex.Note{{Category: "summary", Title: "Summary", Text: summary}}, d.Document.Notes...)
	used[id] = true
	d.ProductTree = b.tree(used)
	return d
}

// vex is the csaf_vex document of the release's vulnerability table.
func (b *builder) vex() *csafvex.Document {
	id := b.releaseID() + "-vex"
	title := b.p.Product.Name + " " + b.r.Version + ": VEX"
	d := &csafvex.Document{Document: b.meta(csafvex.CategoryVEX, id, title)}
	d.Document.Notes = append([]csafvex.Note{{Category: "summary", Title: "Summary",
		Text: "The vulnerability status of " + b.p.Product.Name + " " + b.r.Version + " and its components: every finding of the " +
			"release's vulnerability scan with the manufacturer's VEX statement about it, and every VEX statement about the release " +
			"without a finding (such as a fixed vulnerability). A finding no statement covers is listed as under investigation."}},
		d.Document.Notes...)
	used := map[string]bool{b.releaseID(): true}
	for _, v := range b.vulns {
		cve, ids := b.ids(v)
		vd := csafvex.Vulnerability{CVE: cve, IDs: ids, Title: v.summary, Notes: b.vulnNotes(v), ProductStatus: &csafvex.ProductStatus{}}
		flags := map[string][]string{}
		impacts := map[string][]string{}
		actions := map[string][]string{}
		var fixed []string
		for _, e := range v.entries {
			used[e.product] = true
			ps := vd.ProductStatus
			switch e.status {
			case csafvex.KnownAffected:
				ps.KnownAffected = append(ps.KnownAffected, e.product)
				a := e.action
				if a == "" {
					a = "The VEX statement gives no action statement."
				}
				actions[a] = append(actions[a], e.product)
			case csafvex.KnownNotAffected:
				ps.KnownNotAffected = append(ps.KnownNotAffected, e.product)
				if e.justification != "" {
					flags[e.justification] = append(flags[e.justification], e.product)
				}
				if e.impact != "" {
					impacts[e.impact] = append(impacts[e.impact], e.product)
				}
			case csafvex.Fixed:
				ps.Fixed = append(ps.Fixed, e.product)
				fixed = append(fixed, e.product)
			default:
				ps.UnderInvestigation = append(ps.UnderInvestigation, e.product)
			}
		}
		for _, label := range sortedKeys(flags) {
			vd.Flags = append(vd.Flags, csafvex.Flag{Label: label, ProductIDs: flags[label]})
		}
		for _, text := range sortedKeys(impacts) {
			vd.Threats = append(vd.Threats, csafvex.Threat{Category: "impact", Details: text, ProductIDs: impacts[text]})
		}
		for _, text := range sortedKeys(actions) {
			vd.Remediations = append(vd.Remediations, csafvex.Remediation{Category: "none_available", Details: text, ProductIDs: actions[text]})
		}
		if len(fixed) > 0 {
			vd.Remediations = append(vd.Remediations, csafvex.Remediation{Category: "vendor_fix", URL: b.r.AdvisoryURL,
				Details: "Fixed in " + b.p.Product.Name + " " + b.r.Version + ".", ProductIDs: fixed})
		}
		d.Vulnerabilities = append(d.Vulnerabilities, vd)
	}
	d.ProductTree = b.tree(used)
	return d
}

func sortedKeys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
