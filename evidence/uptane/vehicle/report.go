package vehicle

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/unitsupport"
)

// ReportSchema names the manifests report format.
const ReportSchema = "craudit.uptane-manifests/v1"

// ReportOptions are what a report is built with besides the results.
type ReportOptions struct {
	At         time.Time
	TimeSource string
	// Records is the placed-on-market file (nil: none given).
	Records *unitsupport.Records
	// Releases are the verified bundles given (--bundle).
	Releases []unitsupport.Release
}

// Report is the manifests report: every judged manifest and, per unit, its
// support status.
type Report struct {
	Schema         string                `json:"schema"`
	ReferenceTime  time.Time             `json:"reference_time"`
	TimeSource     string                `json:"time_source"`
	Manifests      []*Result             `json:"manifests"`
	Releases       []unitsupport.Release `json:"releases"`
	PlacedOnMarket string                `json:"placed_on_market_file,omitempty"`
	Units          []unitsupport.Status  `json:"units"`
	Summary        Summary               `json:"summary"`
}

// Summary counts the report's outcome.
type Summary struct {
	Manifests         int            `json:"manifests"`
	Verified          int            `json:"verified"`
	Failed            int            `json:"failed"`
	ECUReports        int            `json:"ecu_reports"`
	ECUVerified       int            `json:"ecu_reports_verified"`
	Deviations        map[string]int `json:"deviations"`
	Units             int            `json:"units"`
	UnitsInSupport    int            `json:"units_in_support"`
	UnitsPastEnd      int            `json:"units_past_support_end"`
	UnitsUnknown      int            `json:"units_support_unknown"`
	UnitsOpenVulns    int            `json:"units_with_open_vulnerabilities"`
	UnitsVulnsUnknown int            `json:"units_vulnerabilities_unknown"`
}

// Verified reports whether every manifest verified.
func (r *Report) Verified() bool { return r.Summary.Failed == 0 && r.Summary.Manifests > 0 }

// BuildReport joins the results with the support records and releases.
// Units are named by VIN, else Primary ECU serial; a unit's images are the
// latest verified report of each ECU, a later manifest of the same unit
// replacing an earlier one's ECU. An image from a report that did not
// verify is never joined: its release stays unknown.
func BuildReport(results []*Result, o ReportOptions) *Report {
	rep := &Report{Schema: ReportSchema, ReferenceTime: o.At, TimeSource: o.TimeSource, Manifests: results,
		Releases: o.Releases, Units: []unitsupport.Status{}}
	if rep.Manifests == nil {
		rep.Manifests = []*Result{}
	}
	if rep.Releases == nil {
		rep.Releases = []unitsupport.Release{}
	}
	if o.Records != nil {
		rep.PlacedOnMarket = o.Records.File
	}
	type unitImages struct {
		ids    []string
		images map[string]unitsupport.Image
	}
	byUnit := map[string]*unitImages{}
	var order []string
	for _, res := range results {
		u, ok := byUnit[res.Unit]
		if !ok {
			u = &unitImages{ids: []string{res.VIN, res.PrimarySerial}, images: map[string]unitsupport.Image{}}
			byUnit[res.Unit] = u
			order = append(order, res.Unit)
		}
		if !res.Signature.Verified {
			continue
		}
		for _, e := range res.ECUs {
			if e.Latest && e.Verified {
				u.images[e.Serial] = unitsupport.Image{ECU: e.Serial, Path: e.Image.Path, Length: e.Image.Length, Hashes: e.Image.Hashes}
			}
		}
	}
	sort.Strings(order)
	units := make([]unitsupport.Unit, 0, len(order))
	for _, name := range order {
		u := byUnit[name]
		serials := make([]string, 0, len(u.images))
		for s := range u.images {
			serials = append(serials, s)
		}
		sort.Strings(serials)
		unit := unitsupport.Unit{IDs: append([]string{name}, u.ids...)}
		for _, s := range serials {
			unit.Images = append(unit.Images, u.images[s])
		}
		units = append(units, unit)
	}
	rep.Units = unitsupport.Join(units, unitsupport.Options{At: o.At, Records: o.Records, Releases: o.Releases})
	release := map[string]string{}
	for _, st := range rep.Units {
		for _, im := range st.Images {
			release[st.Unit+"\x00"+im.ECU] = im.Release
		}
	}
	s := &rep.Summary
	s.Deviations = map[string]int{}
	for _, res := range results {
		s.Manifests++
		if res.Verified {
			s.Verified++
		} else {
			s.Failed++
		}
		for i := range res.ECUs {
			e := &res.ECUs[i]
			s.ECUReports++
			if e.Verified {
				s.ECUVerified++
			}
			if e.Latest && e.Verified && res.Signature.Verified {
				e.Release = release[res.Unit+"\x00"+e.Serial]
			}
		}
		for _, d := range res.Deviations {
			s.Deviations[d.ID]++
		}
	}
	for _, st := range rep.Units {
		s.Units++
		switch st.State {
		case unitsupport.StateInSupport:
			s.UnitsInSupport++
		case unitsupport.StatePastEnd:
			s.UnitsPastEnd++
		default:
			s.UnitsUnknown++
		}
		switch st.VulnState {
		case unitsupport.VulnsOpen:
			s.UnitsOpenVulns++
		case unitsupport.VulnsUnknown:
			s.UnitsVulnsUnknown++
		}
	}
	return rep
}

// SummaryLine is the report's outcome in one line.
func (r *Report) SummaryLine() string {
	s := r.Summary
	return fmt.Sprintf("%d of %d vehicle manifests verified; units: %d in support, %d past the support end, %d unknown; %d with open vulnerabilities",
		s.Verified, s.Manifests, s.UnitsInSupport, s.UnitsPastEnd, s.UnitsUnknown, s.UnitsOpenVulns)
}

// JSON is the report as indented JSON with a final newline.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteText writes the report for a person.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "vehicle manifests: %d of %d verified; ECU reports: %d of %d verified (reference time %s, %s)\n",
		s.Verified, s.Manifests, s.ECUVerified, s.ECUReports, r.ReferenceTime.Format(time.RFC3339), r.TimeSource)
	for _, m := range r.Manifests {
		verdict := "FAIL"
		if m.Verified {
			verdict = "ok  "
		}
		fmt.Fprintf(&b, "%s %s: unit %s, primary %s, %s dialect, %s\n", verdict, m.File, m.Unit, m.PrimarySerial, orDash(string(m.Dialect)), orDash(string(m.Shape)))
		fmt.Fprintf(&b, "     primary signature: %s\n", sigText(m.Signature))
		for _, p := range m.Problems {
			fmt.Fprintf(&b, "     problem: %s\n", p)
		}
		for _, e := range m.ECUs {
			role := ""
			if e.Primary {
				role = " (primary)"
			}
			if !e.Latest {
				role += " (earlier report)"
			}
			fmt.Fprintf(&b, "     ECU %s%s: signature %s\n", orDash(e.Serial), role, sigText(e.Signature))
			fmt.Fprintf(&b, "       image %s, %d bytes, %s; release %s\n", orDash(e.Image.Path), e.Image.Length, hashText(e.Image.Hashes), orDash(e.Release))
			replay := "counter or nonce: none"
			if e.CounterOrNonce {
				replay = "counter or nonce: present"
			}
			fmt.Fprintf(&b, "       %s; time %s; attacks detected: %s\n", replay, orDash(e.Time), orDash(e.AttacksDetected))
			for _, p := range e.Problems {
				fmt.Fprintf(&b, "       problem: %s\n", p)
			}
		}
		for _, d := range m.Deviations {
			ecu := ""
			if d.ECU != "" {
				ecu = " [" + d.ECU + "]"
			}
			fmt.Fprintf(&b, "     deviation %s%s: %s\n", d.ID, ecu, d.Message)
		}
	}
	if len(r.Units) > 0 {
		src := "no placed-on-market file"
		if r.PlacedOnMarket != "" {
			src = "placed on the market per " + r.PlacedOnMarket
		}
		fmt.Fprintf(&b, "units: %d (%s; %d release(s) given): %d in support, %d past the support end, %d unknown; %d with open vulnerabilities, %d unknown\n",
			s.Units, src, len(r.Releases), s.UnitsInSupport, s.UnitsPastEnd, s.UnitsUnknown, s.UnitsOpenVulns, s.UnitsVulnsUnknown)
		for _, u := range r.Units {
			fmt.Fprintf(&b, "  %s: %s", u.Unit, u.State)
			if u.SupportEnd != "" {
				fmt.Fprintf(&b, ", placed on the market %s, support ends %s (%s)", u.PlacedOnMarket, u.SupportEnd, u.EndBasis)
			}
			if u.Reason != "" {
				fmt.Fprintf(&b, " (%s)", u.Reason)
			}
			fmt.Fprintf(&b, "; vulnerabilities: %s", u.VulnState)
			for _, v := range u.Open {
				fmt.Fprintf(&b, " %s (%s, %s)", v.ID, v.Severity, v.Release)
			}
			if len(u.VulnsUnknownFor) > 0 {
				fmt.Fprintf(&b, " (not known for %s: image in no given release with a vulnerability table)", strings.Join(u.VulnsUnknownFor, ", "))
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func sigText(s Signature) string {
	if s.Verified {
		form := s.Form
		if s.FormsIdentical {
			form = "olpc = json-subset (identical for this document)"
		}
		return fmt.Sprintf("verified (key %s, key ID scheme %s, canonical form %s)", s.Key, s.Scheme, form)
	}
	return "NOT verified: " + s.Problem
}

func hashText(h map[string]string) string {
	if len(h) == 0 {
		return "no hashes"
	}
	algs := make([]string, 0, len(h))
	for a := range h {
		algs = append(algs, a)
	}
	sort.Strings(algs)
	var parts []string
	for _, a := range algs {
		v := h[a]
		if len(v) > 16 {
			v = v[:16] + "…"
		}
		parts = append(parts, a+":"+v)
	}
	return strings.Join(parts, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
