package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gocsaf/csaf/v3/util"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vex"
	"github.com/craudit/craudit/evidence/vex/csafvex"
)

// Options for Build.
type Options struct {
	// Stamp dates the documents (tracking dates, revision history).
	Stamp time.Time
	// TLP is CLEAR (TLP 2.0, written as CSAF 2.0's WHITE), WHITE, GREEN,
	// AMBER or RED; empty means CLEAR.
	TLP string
	// ToolVersion names craudit's version in /document/tracking/generator.
	ToolVersion string
}

// File is one CSAF document written by Build.
type File struct {
	// Name follows the CSAF file-name rule (lower-case tracking ID, every
	// run of characters other than a-z, 0-9, + and - replaced by _, .json).
	Name            string
	Category        string
	TrackingID      string
	Vulnerabilities int
	Data            []byte
}

// Result is what Build made and what it could not fill.
type Result struct {
	Files []File
	// Notes say which document was not made and which fields were missing.
	Notes []string
}

// InputError is evidence Build cannot use (a missing product.yaml field the
// CSAF document requires, an undecodable SBOM or VEX document).
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// InvalidError is a generated document that fails validation: a bug, or
// evidence craudit cannot express in valid CSAF. Nothing is written.
type InvalidError struct {
	TrackingID string
	Problems   []string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("generated CSAF document %s is not valid: %s", e.TrackingID, strings.Join(e.Problems, "; "))
}

// TLPLabel maps a --tlp value to CSAF 2.0's label (TLP 1.0 names).
func TLPLabel(s string) (string, error) {
	switch strings.ToUpper(s) {
	case "", "CLEAR", "WHITE":
		return "WHITE", nil
	case "GREEN", "AMBER", "RED":
		return strings.ToUpper(s), nil
	}
	return "", fmt.Errorf("--tlp %q: want CLEAR, GREEN, AMBER or RED (CSAF 2.0 knows TLP 1.0 labels; CLEAR is written as WHITE)", s)
}

// FileName is the CSAF 2.0 file name of a tracking ID (section 5.1).
func FileName(trackingID string) string { return util.CleanFileName(trackingID) }

// Build makes the release's csaf_vex document and, when the release fixes
// any vulnerability, its csaf_security_advisory.
func Build(in *checks.Input, o Options) (*Result, error) {
	tlp, err := TLPLabel(o.TLP)
	if err != nil {
		return nil, err
	}
	if in.Product == nil {
		return nil, &InputError{Path: bundle.ProductFile, Err: parseErr(in, bundle.ProductFile)}
	}
	if in.Release == nil {
		return nil, &InputError{Path: bundle.ReleaseFile, Err: parseErr(in, bundle.ReleaseFile)}
	}
	s, err := in.SBOM()
	if err != nil {
		return nil, err
	}
	table, err := in.VulnTable()
	if err != nil {
		return nil, err
	}
	b := &builder{in: in, p: in.Product, r: in.Release, sbom: s, table: table, o: o, tlp: tlp,
		comps: map[string]sbom.Component{}, compIDs: map[string]string{}}
	if err := b.publisher(); err != nil {
		return nil, err
	}
	for _, c := range s.Components {
		b.comps[c.Ref] = c
	}
	b.collect()
	res := &Result{}
	b.missing(res)
	adv := b.advisory()
	if len(adv.Vulnerabilities) == 0 {
		res.Notes = append(res.Notes, "no security advisory: no VEX statement or scan finding says this release fixes a vulnerability (a csaf_security_advisory needs at least one)")
	} else if f, err := finish(adv); err != nil {
		return nil, err
	} else {
		res.Files = append(res.Files, f)
	}
	vd := b.vex()
	if len(vd.Vulnerabilities) == 0 {
		res.Notes = append(res.Notes, "no CSAF VEX: the release's vulnerability table and VEX statements are empty (a csaf_vex needs at least one vulnerability)")
	} else if f, err := finish(vd); err != nil {
		return nil, err
	} else {
		res.Files = append(res.Files, f)
	}
	return res, nil
}

func parseErr(in *checks.Input, p string) error {
	if err := in.ParseErrs[p]; err != nil {
		return err
	}
	return errors.New("absent from the bundle")
}

// finish encodes a document and validates it (schema and mandatory tests).
func finish(d *csafvex.Document) (File, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // package URLs keep their & as written
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return File{}, err
	}
	data := buf.Bytes()
	var problems []string
	violations, err := csafvex.ValidateSchema(data)
	if err != nil {
		return File{}, err
	}
	problems = append(problems, violations...)
	for _, p := range csafvex.Mandatory(d) {
		problems = append(problems, p.String())
	}
	if len(problems) > 0 {
		return File{}, &InvalidError{TrackingID: d.Document.Tracking.ID, Problems: problems}
	}
	return File{Name: FileName(d.Document.Tracking.ID), Category: d.Document.Category, TrackingID: d.Document.Tracking.ID,
		Vulnerabilities: len(d.Vulnerabilities), Data: data}, nil
}

type builder struct {
	in    *checks.Input
	p     *product.Product
	r     *product.Release
	sbom  *sbom.Document
	table *vex.Table
	o     Options
	tlp   string
	pub   csafvex.Publisher

	comps   map[string]sbom.Component // SBOM components by ref
	compIDs map[string]string         // component ref -> CSAF product ID
	usedIDs map[string]bool
	vulns   []*vulnerability
}

// entry is what the release's evidence says about one vulnerability for
// one product (the release, or a component of it).
type entry struct {
	product       string // CSAF product ID
	status        string // CSAF product status
	justification string
	impact        string
	action        string
	assessed      bool // false: no VEX statement covers a scan finding
}

type vulnerability struct {
	key      string
	ids      []string
	scanIDs  map[string]bool
	summary  string
	severity []string
	entries  []entry
}

var cveRE = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// schema pattern of product_identification_helper.purl
var purlRE = regexp.MustCompile(`^pkg:[A-Za-z\.\-\+][A-Za-z0-9\.\-\+]*/.+`)

func (b *builder) publisher() error {
	m := b.p.Manufacturer
	if strings.TrimSpace(m.Name) == "" {
		return &InputError{Path: bundle.ProductFile, Err: errors.New("manufacturer.name is missing; CSAF's publisher needs it")}
	}
	u, err := url.Parse(m.Website)
	if m.Website == "" || err != nil || u.Scheme == "" || u.Host == "" {
		return &InputError{Path: bundle.ProductFile, Err: errors.New("manufacturer.website is missing or not an absolute URL; CSAF's publisher namespace is taken from it")}
	}
	b.pub = csafvex.Publisher{Category: "vendor", Name: m.Name, Namespace: m.Website}
	var contact []string
	for _, c := range []string{b.p.SecurityContact, m.Email} {
		if c != "" && !slices.Contains(contact, c) {
			contact = append(contact, c)
		}
	}
	b.pub.ContactDetails = strings.Join(contact, ", ")
	return nil
}

func (b *builder) releaseID() string { return b.p.Product.ID + "-" + b.r.Version }

func (b *builder) previousID() string {
	if b.r.PreviousVersion == "" {
		return ""
	}
	return b.p.Product.ID + "-" + b.r.PreviousVersion
}

// componentID gives an SBOM component a readable, unique product ID.
func (b *builder) componentID(ref string) string {
	if id, ok := b.compIDs[ref]; ok {
		return id
	}
	c := b.comps[ref]
	base := strings.Trim(c.Name+"-"+c.Version, "-")
	if base == "" {
		base = "component"
	}
	id := base
	taken := func(id string) bool {
		for _, v := range b.compIDs {
			if v == id {
				return true
			}
		}
		return false
	}
	for n := 2; taken(id); n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	b.compIDs[ref] = id
	return id
}

// productOf is the CSAF product ID of a component of the release (a
// relationship), or of the release itself for the whole-release ref.
func (b *builder) productOf(ref string) string {
	if ref == vex.AllComponents {
		return b.releaseID()
	}
	return b.releaseID() + ":" + b.componentID(ref)
}

func vexToCSAF(status string) string {
	switch status {
	case "affected":
		return csafvex.KnownAffected
	case "not_affected":
		return csafvex.KnownNotAffected
	case "fixed":
		return csafvex.Fixed
	}
	return csafvex.UnderInvestigation // under_investigation, and "none": not assessed
}

func keyOf(ids []string) string {
	for _, id := range ids {
		if cveRE.MatchString(strings.ToUpper(id)) {
			return strings.ToUpper(id)
		}
	}
	s := slices.Clone(ids)
	slices.Sort(s)
	return strings.ToUpper(s[0])
}

// collect groups the table's rows and the applied statements without a
// row by vulnerability (CVE ID when there is one) and product.
func (b *builder) collect() {
	byKey := map[string]*vulnerability{}
	get := func(ids []string) *vulnerability {
		k := keyOf(ids)
		v := byKey[k]
		if v == nil {
			v = &vulnerability{key: k, scanIDs: map[string]bool{}}
			byKey[k] = v
		}
		for _, id := range ids {
			if !slices.Contains(v.ids, id) {
				v.ids = append(v.ids, id)
			}
		}
		return v
	}
	has := map[[2]string]bool{} // (key, product) already stated
	for _, row := range b.table.Rows {
		// A finding whose component is not in the SBOM has no product to
		// name; the table is built from the SBOM, so this does not occur.
		if _, ok := b.comps[row.Component.Ref]; !ok {
			continue
		}
		ids := append([]string{row.ID}, row.Aliases...)
		v := get(ids)
		for _, id := range ids {
			v.scanIDs[id] = true
		}
		if v.summary == "" {
			v.summary = row.Summary
		}
		sev := row.Severity
		if !slices.Contains(v.severity, sev) {
			v.severity = append(v.severity, sev)
		}
		pid := b.productOf(row.Component.Ref)
		if has[[2]string{v.key, pid}] {
			continue
		}
		has[[2]string{v.key, pid}] = true
		v.entries = append(v.entries, entry{product: pid, status: vexToCSAF(row.Status), justification: row.Justification,
			impact: row.ImpactStatement, action: row.ActionStatement, assessed: row.Status != vex.StatusNone})
	}
	// Statements without a finding (e.g. fixed): the newest per product wins.
	type cand struct {
		a   vex.Applied
		pid string
	}
	best := map[[2]string]cand{}
	var order [][2]string
	for _, a := range b.table.Applied {
		ids := append([]string{a.Vulnerability}, a.Aliases...)
		k := keyOf(ids)
		for _, ref := range a.Components {
			if ref != vex.AllComponents {
				if _, ok := b.comps[ref]; !ok {
					continue
				}
			}
			pid := b.productOf(ref)
			key := [2]string{k, pid}
			if has[key] {
				continue
			}
			prev, seen := best[key]
			if !seen {
				order = append(order, key)
			}
			if !seen || !a.When.Before(prev.a.When) {
				best[key] = cand{a, pid}
			}
		}
	}
	for _, key := range order {
		c := best[key]
		v := get(append([]string{c.a.Vulnerability}, c.a.Aliases...))
		v.entries = append(v.entries, entry{product: c.pid, status: vexToCSAF(c.a.Status), justification: c.a.Justification,
			impact: c.a.ImpactStatement, action: c.a.ActionStatement, assessed: true})
	}
	for _, v := range byKey {
		sort.Slice(v.entries, func(i, j int) bool { return v.entries[i].product < v.entries[j].product })
		b.vulns = append(b.vulns, v)
	}
	sort.Slice(b.vulns, func(i, j int) bool { return b.vulns[i].key < b.vulns[j].key })
}

// ids returns the CVE (when the key is one) and the other IDs.
func (b *builder) ids(v *vulnerability) (string, []csafvex.ID) {
	cve := ""
	if cveRE.MatchString(v.key) {
		cve = v.key
	}
	var out []csafvex.ID
	others := slices.Clone(v.ids)
	slices.Sort(others)
	for _, id := range others {
		if strings.EqualFold(id, cve) {
			continue
		}
		system := "VEX statement alias"
		if v.scanIDs[id] {
			system = "OSV"
		}
		out = append(out, csafvex.ID{SystemName: system, Text: id})
	}
	return cve, out
}

func (b *builder) vulnNotes(v *vulnerability) []csafvex.Note {
	var notes []csafvex.Note
	if v.summary != "" {
		notes = append(notes, csafvex.Note{Category: "description", Title: "Summary", Text: v.summary})
	}
	if len(v.severity) > 0 {
		sev := slices.Clone(v.severity)
		slices.Sort(sev)
		notes = append(notes, csafvex.Note{Category: "other", Title: "Severity",
			Text: "The release's vulnerability scan (vulns.json) gives severity " + strings.Join(sev, ", ") +
				". CSAF scores need a CVSS vector, which the scan does not record, so this document gives no score."})
	} else {
		notes = append(notes, csafvex.Note{Category: "other", Title: "Source",
			Text: "The release's vulnerability scan does not match this vulnerability; it is listed from the manufacturer's VEX statements."})
	}
	var open []string
	for _, e := range v.entries {
		if !e.assessed {
			open = append(open, e.product)
		}
	}
	if len(open) > 0 {
		notes = append(notes, csafvex.Note{Category: "details", Title: "Not assessed",
			Text: "The scan matches this vulnerability, but no VEX statement covers it for " + strings.Join(open, ", ") +
				"; those products are listed as under investigation."})
	}
	return notes
}

func (b *builder) meta(category, id, title string) csafvex.Meta {
	stamp := b.o.Stamp.UTC().Format(time.RFC3339)
	m := csafvex.Meta{
		Category:     category,
		CSAFVersion:  "2.0",
		Distribution: &csafvex.Distribution{TLP: &csafvex.TLP{Label: b.tlp, URL: "https://www.first.org/tlp/"}},
		Lang:         "en",
		Publisher:    b.pub,
		Title:        title,
		Tracking: csafvex.Tracking{
			CurrentReleaseDate: stamp,
			Generator:          &csafvex.Generator{Date: stamp, Engine: csafvex.Engine{Name: "craudit", Version: b.o.ToolVersion}},
			ID:                 id,
			InitialReleaseDate: stamp,
			RevisionHistory:    []csafvex.Revision{{Date: stamp, Number: "1", Summary: "Initial version, made from the release's signed evidence bundle."}},
			Status:             "final",
			Version:            "1",
		},
	}
	if b.r.AdvisoryURL != "" {
		m.References = append(m.References, csafvex.Reference{Category: "external", URL: b.r.AdvisoryURL,
			Summary: "The manufacturer's advisory for release " + b.r.Version + " (release.yaml advisory_url)."})
	}
	if b.p.CVDPolicyURL != "" {
		m.References = append(m.References, csafvex.Reference{Category: "external", URL: b.p.CVDPolicyURL,
			Summary: "The manufacturer's coordinated vulnerability disclosure policy."})
	}
	m.Notes = append(m.Notes, csafvex.Note{Category: "general", Title: "Evidence",
		Text: "Made by craudit from the signed evidence bundle of " + b.p.Product.Name + " " + b.r.Version +
			", verified against the manufacturer's root key: product.yaml, " +
			"release.yaml, the SBOM, the vulnerability scan and the VEX documents it holds."})
	return m
}

func (b *builder) missing(res *Result) {
	if b.r.AdvisoryURL == "" {
		res.Notes = append(res.Notes, "release.yaml has no advisory_url: the documents carry no link to the manufacturer's advisory and the vendor_fix remediation no URL")
	}
	if b.r.PreviousVersion == "" {
		res.Notes = append(res.Notes, "release.yaml has no previous_version: the advisory names no affected earlier release, only the fixed one")
	}
	if b.sbom.Subject == nil || !purlRE.MatchString(b.sbom.Subject.PURL) {
		res.Notes = append(res.Notes, "the SBOM gives the release no package URL: the product tree identifies it by name and hashes only")
	}
	res.Notes = append(res.Notes, "publisher namespace "+b.pub.Namespace+" is product.yaml's manufacturer.website")
}

// tree is the product tree of the products a document names.
func (b *builder) tree(used map[string]bool) *csafvex.ProductTree {
	rel := b.releaseID()
	var versions []csafvex.Branch
	if prev := b.previousID(); prev != "" && used[prev] {
		fpn := csafvex.FullProductName{Name: b.p.Product.Name + " " + b.r.PreviousVersion, ProductID: prev}
		if purl := b.previousPURL(); purl != "" {
			fpn.Helper = &csafvex.ProductHelper{PURL: purl}
		}
		versions = append(versions, csafvex.Branch{Category: "product_version", Name: b.r.PreviousVersion, Product: &fpn})
	}
	fpn := csafvex.FullProductName{Name: b.p.Product.Name + " " + b.r.Version, ProductID: rel, Helper: b.releaseHelper()}
	versions = append(versions, csafvex.Branch{Category: "product_version", Name: b.r.Version, Product: &fpn})
	t := &csafvex.ProductTree{Branches: []csafvex.Branch{{Category: "vendor", Name: b.p.Manufacturer.Name,
		Branches: []csafvex.Branch{{Category: "product_name", Name: b.p.Product.Name, Branches: versions}}}}}
	var refs []string
	for ref := range b.compIDs {
		if used[b.productOf(ref)] {
			refs = append(refs, ref)
		}
	}
	sort.Slice(refs, func(i, j int) bool { return b.compIDs[refs[i]] < b.compIDs[refs[j]] })
	for _, ref := range refs {
		c := b.comps[ref]
		cid := b.compIDs[ref]
		name := strings.TrimSpace(c.Name + " " + c.Version)
		f := csafvex.FullProductName{Name: name, ProductID: cid}
		if purlRE.MatchString(c.PURL) {
			f.Helper = &csafvex.ProductHelper{PURL: c.PURL}
		}
		t.FullProductNames = append(t.FullProductNames, f)
		t.Relationships = append(t.Relationships, csafvex.Relationship{Category: "default_component_of",
			FullProductName:           csafvex.FullProductName{Name: name + " in " + fpn.Name, ProductID: b.productOf(ref)},
			ProductReference:          cid,
			RelatesToProductReference: rel})
	}
	return t
}

func (b *builder) releaseHelper() *csafvex.ProductHelper {
	h := &csafvex.ProductHelper{}
	if s := b.sbom.Subject; s != nil && purlRE.MatchString(s.PURL) {
		h.PURL = s.PURL
	}
	if b.in.Bundle != nil && b.in.Bundle.Index != nil {
		for _, it := range b.in.Bundle.Index.ByRole(bundle.RoleArtefact) {
			h.Hashes = append(h.Hashes, csafvex.Hashes{Filename: path.Base(it.Path), FileHashes: []csafvex.FileHash{
				{Algorithm: "sha256", Value: it.SHA256}, {Algorithm: "sha512", Value: it.SHA512}}})
		}
	}
	if b.p.Product.Model != "" {
		h.ModelNumbers = []string{b.p.Product.Model}
	}
	if b.p.SBOMURL != "" {
		h.SBOMURLs = []string{b.p.SBOMURL}
	}
	if h.PURL == "" && len(h.Hashes) == 0 && len(h.ModelNumbers) == 0 && len(h.SBOMURLs) == 0 {
		return nil
	}
	return h
}

// previousPURL is the release's package URL with the previous version, when
// the release's purl ends in @VERSION (before any qualifiers).
func (b *builder) previousPURL() string {
	s := b.sbom.Subject
	if s == nil || !purlRE.MatchString(s.PURL) {
		return ""
	}
	head, tail, _ := strings.Cut(s.PURL, "?")
	base, ok := strings.CutSuffix(head, "@"+b.r.Version)
	if !ok {
		return ""
	}
	out := base + "@" + b.r.PreviousVersion
	if tail != "" {
		out += "?" + tail
	}
	return out
}
