package reports

import (
	"io"
	"sort"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
)

// Renderer writes one format.
type Renderer interface {
	// Name is the --format value; Ext the file name used in a dossier.
	Name() string
	File() string
	Render(w io.Writer, d *Data) error
}

// Data is everything a report shows. Paths in it are relative to the
// evidence root the report sits beside (the bundle, or a dossier's evidence/).
type Data struct {
	Report   *checks.Report
	Product  *product.Product
	Release  *product.Release
	Answers  *product.Answers
	Manifest *manifest.Manifest
	// Items lists the bundle's files; Live the evidence gathered outside it.
	Items []bundle.Item
	Live  []checks.EvidenceRef
	// EvidencePrefix is prepended to evidence paths when linking (a dossier's "evidence/").
	EvidencePrefix string
	// ItemPrefix is prepended to bundle item paths (a dossier's "bundle/").
	ItemPrefix string

	// The sections below are derived from the evidence by Collect; a nil or
	// empty value means the evidence holds nothing for the section, and every
	// renderer says so plainly instead of inventing content.
	Steps []StepGroup
	SBOM  *SBOMSummary
	Vulns *VulnTable
	// Transcripts are the verifier runs (one per profile) in live/transcript.json.
	Transcripts []*Transcript
	// Attacks are the attack runs (one per profile) in live/attack-results.json.
	Attacks    []*AttackResults
	Provenance []FileRef
	Keys       []KeyRole
	Claims     []Claim
	Risk       []RiskRow
	Support    *Support
	// Fleet is the pinned fleet status snapshot (fleet-status.json).
	Fleet *fleet.Status
	// Notes are evidence files that exist but could not be read for a section.
	Notes []string
	// Paperwork lists the CRA paperwork a dossier encloses (paths relative
	// to the dossier; signature files without a hash).
	Paperwork []checks.EvidenceRef
	// Architecture is the manufacturer's architecture description (Annex
	// VII point 2(a)) when the bundle pins one; ArchitectureText its text
	// when it is UTF-8 text of at most MaxArchitectureText bytes.
	Architecture     *FileRef
	ArchitectureText string
	// BundleSigner is the ID (SHA-256 of the SPKI) of the key that signed
	// the bundle index, when authenticated; DossierSigner the key that signs
	// the dossier's SHA256SUMS ("" for a report rendered on its own).
	BundleSigner, DossierSigner string
}

// Collect gathers report data from a checked input.
func Collect(in *checks.Input, r *checks.Report) *Data {
	d := &Data{Report: r, Product: in.Product, Release: in.Release, Answers: in.Answers}
	if in.Bundle != nil && in.Bundle.Index != nil {
		d.Items = in.Bundle.Index.Items
		d.Manifest, _ = in.Manifest()
	}
	for p := range in.Live {
		if ref, ok := in.Ref(p); ok && !in.Bundle.Has(p) {
			d.Live = append(d.Live, ref)
		}
	}
	sort.Slice(d.Live, func(i, j int) bool { return d.Live[i].Path < d.Live[j].Path })
	d.Steps = ByStep(r)
	d.collectSBOM(in)
	d.collectVulns(in)
	d.collectLive(in)
	d.collectKeys(in)
	d.Provenance = d.itemsWithRole(bundle.RoleProvenance)
	d.Claims = buildClaims(d)
	d.Risk = buildRisk(d)
	d.Support = buildSupport(in.Product, r.ReferenceTime)
	d.collectFleet(in)
	d.collectArchitecture(in)
	if in.Bundle != nil && in.Bundle.Signer != nil {
		d.BundleSigner = in.Bundle.Signer.ID()
	}
	return d
}

// StepName names an ENISA secure-update lifecycle step (1-7) with its title
// in mappings; step 0 holds the CRA obligations outside the lifecycle.
func StepName(step int) string {
	if step == 0 {
		return "Product, support and vulnerability handling (CRA, outside the update lifecycle)"
	}
	return mappings.MustLoad().StepTitle(step)
}

// StepGroup is the results of one ENISA step.
type StepGroup struct {
	Step    int
	Name    string
	Results []checks.Result
	Summary checks.Summary
}

// ByStep groups results by ENISA step, failures first within a step.
func ByStep(r *checks.Report) []StepGroup {
	groups := map[int]*StepGroup{}
	for _, res := range r.Results {
		g := groups[res.Step]
		if g == nil {
			g = &StepGroup{Step: res.Step, Name: StepName(res.Step)}
			groups[res.Step] = g
		}
		g.Results = append(g.Results, res)
		g.Summary.Add(res.Status)
	}
	var out []StepGroup
	for _, g := range groups {
		sort.SliceStable(g.Results, func(i, j int) bool {
			a, b := g.Results[i], g.Results[j]
			if a.Status.Rank() != b.Status.Rank() {
				return a.Status.Rank() < b.Status.Rank()
			}
			return a.Check < b.Check
		})
		out = append(out, *g)
	}
	// Step 0 (obligations outside the lifecycle) comes after the seven steps.
	key := func(s int) int {
		if s == 0 {
			return 8
		}
		return s
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i].Step) < key(out[j].Step) })
	return out
}
