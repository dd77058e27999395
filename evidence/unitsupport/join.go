package unitsupport

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

// Unit states.
const (
	StateInSupport = "in-support"
	StatePastEnd   = "past-support-end"
	StateUnknown   = "unknown"
)

// Vulnerability states of a unit.
const (
	VulnsOpen    = "open"      // a release the unit runs has open vulnerabilities
	VulnsNone    = "none-open" // every image matched a release with none open
	VulnsUnknown = "unknown"   // an image matched no release, or a release's table is unknown
)

// Artefact is one file a release ships, as its signed bundle index lists it.
type Artefact struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	SHA512 string `json:"sha512,omitempty"`
}

// Vulnerability is one open finding of a release: not taken out of the gate
// by a VEX statement (not_affected with a justification, or fixed).
type Vulnerability struct {
	ID        string `json:"id"`
	Severity  string `json:"severity"`
	Component string `json:"component,omitempty"`
	Release   string `json:"release"`
}

// Release is one verified bundle: its product, what it ships and what is
// open in it.
type Release struct {
	Bundle    string     `json:"bundle"`
	Product   string     `json:"product"`
	Version   string     `json:"version"`
	Artefacts []Artefact `json:"artefacts"`
	// VulnsKnown is false when the bundle's vulnerability table could not be
	// built (VulnsProblem says why): nothing is then said to be open or not.
	VulnsKnown   bool            `json:"vulns_known"`
	VulnsProblem string          `json:"vulns_problem,omitempty"`
	Open         []Vulnerability `json:"open_vulnerabilities"`
	// Support is product.yaml's support period; nil when product.yaml is
	// absent or unusable in the bundle.
	Support *product.SupportPeriod `json:"-"`
}

// Name is how a report names the release.
func (r Release) Name() string { return r.Product + " " + r.Version }

// Image is what one ECU (or component) of a unit reports it runs.
type Image struct {
	ECU    string            `json:"ecu"`
	Path   string            `json:"path"`
	Length int64             `json:"length"`
	Hashes map[string]string `json:"hashes"`
}

// Unit is one unit as its manifests show it: the names it goes by (unit ID,
// VIN, Primary ECU serial; the first non-empty one names it in reports) and
// the images its ECUs report.
type Unit struct {
	IDs    []string
	Images []Image
}

// Options are the join's inputs besides the units.
type Options struct {
	// At is the reference time "past the support end" is judged at.
	At       time.Time
	Records  *Records
	Releases []Release
}

// ImageMatch says which release an image belongs to.
type ImageMatch struct {
	ECU      string `json:"ecu"`
	Path     string `json:"path"`
	Release  string `json:"release,omitempty"`
	Bundle   string `json:"bundle,omitempty"`
	Artefact string `json:"artefact,omitempty"`
	// Problem says why no release was matched when a hash matched but
	// something else (the length) did not.
	Problem string `json:"problem,omitempty"`
}

// Status is one unit's support status.
type Status struct {
	Unit           string `json:"unit"`
	PlacedOnMarket string `json:"placed_on_market,omitempty"`
	Batch          string `json:"batch,omitempty"`
	RecordLine     int    `json:"record_line,omitempty"`
	Product        string `json:"product,omitempty"`
	SupportEnd     string `json:"support_end,omitempty"`
	// EndBasis says where SupportEnd comes from.
	EndBasis string `json:"end_basis,omitempty"`
	State    string `json:"state"`
	// Reason says why State is unknown.
	Reason    string       `json:"reason,omitempty"`
	Images    []ImageMatch `json:"images"`
	VulnState string       `json:"vuln_state"`
	// VulnsUnknownFor names the ECUs whose image matched no given release
	// or whose release has no usable vulnerability table.
	VulnsUnknownFor []string        `json:"vulns_unknown_for,omitempty"`
	Open            []Vulnerability `json:"open_vulnerabilities"`
}

// Join gives every unit its support status, in the order given.
func Join(units []Unit, o Options) []Status {
	out := make([]Status, 0, len(units))
	for _, u := range units {
		out = append(out, join(u, o))
	}
	return out
}

func join(u Unit, o Options) Status {
	st := Status{Unit: firstNonEmpty(u.IDs), Images: []ImageMatch{}, Open: []Vulnerability{}}
	var matched []*Release
	vulnsKnown := true
	for _, img := range u.Images {
		m, rel := match(img, o.Releases)
		st.Images = append(st.Images, m)
		if rel == nil || !rel.VulnsKnown {
			vulnsKnown = false
			st.VulnsUnknownFor = append(st.VulnsUnknownFor, img.ECU)
		}
		if rel != nil {
			matched = append(matched, rel)
		}
	}
	seen := map[string]bool{}
	for _, rel := range matched {
		for _, v := range rel.Open {
			if k := v.Release + "\x00" + v.ID + "\x00" + v.Component; !seen[k] {
				seen[k] = true
				st.Open = append(st.Open, v)
			}
		}
	}
	sort.Slice(st.Open, func(i, j int) bool {
		a, b := st.Open[i], st.Open[j]
		if a.Release != b.Release {
			return a.Release < b.Release
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Component < b.Component
	})
	switch {
	case len(st.Open) > 0:
		st.VulnState = VulnsOpen
	case vulnsKnown && len(u.Images) > 0:
		st.VulnState = VulnsNone
	default:
		st.VulnState = VulnsUnknown
	}

	st.State = StateUnknown
	rec, ok := o.Records.Lookup(u.IDs...)
	if !ok {
		st.Reason = "no placed-on-market record for this unit"
		if o.Records == nil {
			st.Reason = "no placed-on-market file given"
		}
		return st
	}
	st.PlacedOnMarket, st.Batch, st.RecordLine = rec.PlacedOnMarket.Format(time.DateOnly), rec.Batch, rec.Line
	prod, sp, why := supportOf(matched, o.Releases)
	st.Product = prod
	if sp == nil {
		st.Reason = why
		return st
	}
	end, basis, why := endOf(rec, sp)
	if basis == "" {
		st.Reason = why
		return st
	}
	st.SupportEnd, st.EndBasis = end.Format(time.DateOnly), basis
	if o.At.Before(end) {
		st.State = StateInSupport
	} else {
		st.State = StatePastEnd
	}
	return st
}

// match finds the release artefact an image is: at least one hash algorithm
// in common, every common one equal, and the same length.
func match(img Image, rels []Release) (ImageMatch, *Release) {
	m := ImageMatch{ECU: img.ECU, Path: img.Path}
	for i := range rels {
		for _, a := range rels[i].Artefacts {
			common, equal := 0, true
			for alg, want := range map[string]string{"sha256": a.SHA256, "sha512": a.SHA512} {
				got, ok := img.Hashes[alg]
				if !ok || want == "" {
					continue
				}
				common++
				if !strings.EqualFold(got, want) {
					equal = false
				}
			}
			if common == 0 || !equal {
				continue
			}
			if img.Length != a.Size {
				m.Problem = fmt.Sprintf("hashes equal %s of %s but the length is %d, not %d", a.Path, rels[i].Name(), img.Length, a.Size)
				continue
			}
			m.Release, m.Bundle, m.Artefact, m.Problem = rels[i].Name(), rels[i].Bundle, a.Path, ""
			return m, &rels[i]
		}
	}
	return m, nil
}

// supportOf is the support period of the unit's product: that of the
// releases it runs, else that of the given releases when they all name one
// product with one support period.
func supportOf(matched []*Release, all []Release) (string, *product.SupportPeriod, string) {
	pick := func(rels []*Release) (string, *product.SupportPeriod, string) {
		var prod string
		var sp *product.SupportPeriod
		for _, r := range rels {
			if r.Support == nil {
				return r.Product, nil, fmt.Sprintf("%s: product.yaml gives no usable support period", r.Name())
			}
			if sp == nil {
				prod, sp = r.Product, r.Support
				continue
			}
			if r.Product != prod || !reflect.DeepEqual(*r.Support, *sp) {
				return "", nil, fmt.Sprintf("releases %s and %s declare different products or support periods", rels[0].Name(), r.Name())
			}
		}
		return prod, sp, ""
	}
	if len(matched) > 0 {
		return pick(matched)
	}
	if len(all) == 0 {
		return "", nil, "no release (--bundle) gives the product's support period"
	}
	ptrs := make([]*Release, len(all))
	for i := range all {
		ptrs[i] = &all[i]
	}
	prod, sp, why := pick(ptrs)
	if sp == nil && why == "" {
		why = "no release gives the product's support period"
	}
	return prod, sp, why
}

// endOf is a unit's support end: its batch's end date when product.yaml
// sets one, else its own placed-on-market date plus the support years.
func endOf(rec Record, sp *product.SupportPeriod) (time.Time, string, string) {
	if rec.Batch != "" {
		for _, b := range sp.Batches {
			if b.ID == rec.Batch && b.End != nil {
				return b.End.Time, fmt.Sprintf("end of batch %s in product.yaml", b.ID), ""
			}
		}
	}
	if sp.Years <= 0 {
		return time.Time{}, "", "product.yaml gives no support years and no end for the unit's batch"
	}
	return rec.PlacedOnMarket.AddDate(sp.Years, 0, 0), fmt.Sprintf("placed on the market + %d years (product.yaml)", sp.Years), ""
}

func firstNonEmpty(ss []string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
