package vuln

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Schema identifies the vulns.json format; fields are only ever added.
const Schema = "https://craudit.dev/schema/vulns/v1"

// Report is vulns.json.
type Report struct {
	Schema string `json:"schema"`
	// Scanned is false when the bundle was made without a scan;
	// NotScannedReason then says why.
	Scanned          bool    `json:"scanned"`
	NotScannedReason string  `json:"not_scanned_reason,omitempty"`
	Scanner          Tool    `json:"scanner"`
	Database         *DBInfo `json:"database,omitempty"`
	// SBOMSHA256 pins the SBOM that was scanned.
	SBOMSHA256 string `json:"sbom_sha256,omitempty"`
	// Unscanned lists the components the scan could not match against any
	// record (Coverage says why for each).
	Unscanned []Component `json:"unscanned_components"`
	// Coverage says, for every SBOM component, which database ecosystem
	// covered it or why none did. Absent in vulns.json written before
	// craudit recorded it; the checks then treat coverage as unknown.
	Coverage []Coverage `json:"coverage,omitzero"`
	Findings []Finding  `json:"findings"`
}

// Tool names the scanner.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Component is the SBOM component a finding is about.
type Component struct {
	Ref       string `json:"ref"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	PURL      string `json:"purl,omitempty"`
	Ecosystem string `json:"ecosystem,omitempty"`
}

// Severity levels; Unknown counts as high for the gate (fail closed).
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
	SeverityUnknown  = "unknown"
)

// Finding is one advisory affecting one component.
type Finding struct {
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases"`
	Summary  string   `json:"summary,omitempty"`
	Severity string   `json:"severity"`
	// Score is the CVSS base score the advisory gives, when it gives one.
	Score        string    `json:"score,omitempty"`
	Component    Component `json:"component"`
	FixedVersion string    `json:"fixed_version,omitempty"`
	Published    string    `json:"published,omitempty"`
	Modified     string    `json:"modified,omitempty"`
	// MatchedBy says which matcher found it ("osv-scanner", or craudit's
	// own Go matcher for module paths osv-scanner v2.5.1 misses).
	MatchedBy string `json:"matched_by"`
}

// SeverityFromScore maps a CVSS base score to a level; "" gives unknown.
func SeverityFromScore(score string) string {
	var f float64
	if _, err := fmt.Sscanf(score, "%g", &f); err != nil || score == "" {
		return SeverityUnknown
	}
	switch {
	case f >= 9:
		return SeverityCritical
	case f >= 7:
		return SeverityHigh
	case f >= 4:
		return SeverityMedium
	case f > 0:
		return SeverityLow
	}
	return SeverityUnknown
}

// IDs returns the finding's ID and aliases.
func (f Finding) IDs() []string { return append([]string{f.ID}, f.Aliases...) }

// NotScanned is the vulns.json of a bundle made without a scan.
func NotScanned(reason string) *Report {
	return &Report{Schema: Schema, Scanned: false, NotScannedReason: reason, Unscanned: []Component{}, Findings: []Finding{}}
}

// Marshal encodes the report deterministically (findings sorted).
func (r *Report) Marshal() ([]byte, error) {
	c := *r
	c.Schema = Schema
	c.Findings = slices.Clone(r.Findings)
	slices.SortFunc(c.Findings, func(a, b Finding) int {
		if x := strings.Compare(a.ID, b.ID); x != 0 {
			return x
		}
		return strings.Compare(a.Component.Ref, b.Component.Ref)
	})
	if c.Findings == nil {
		c.Findings = []Finding{}
	}
	if c.Unscanned == nil {
		c.Unscanned = []Component{}
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxReport bounds vulns.json.
const MaxReport = 64 << 20

// Parse decodes vulns.json strictly.
func Parse(b []byte) (*Report, error) {
	if len(b) > MaxReport {
		return nil, fmt.Errorf("vulns.json larger than %d bytes", MaxReport)
	}
	var r Report
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("vulns.json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("vulns.json: data after the JSON document")
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("vulns.json: schema %q, want %q", r.Schema, Schema)
	}
	if r.Scanned && r.Database == nil {
		return nil, errors.New("vulns.json: a scan without database provenance")
	}
	return &r, nil
}

// Age is how old the ecosystem's newest record was at t; ok is false when
// the age is unknown (no dated record, or any record without a date).
func (e Ecosystem) Age(t time.Time) (time.Duration, bool) {
	if e.Newest.IsZero() || e.Undated > 0 {
		return 0, false
	}
	return t.Sub(e.Newest), true
}
