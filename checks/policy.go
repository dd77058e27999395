package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

// Policy is policy.yaml: what must pass for the gate to open.
type Policy struct {
	// Required lists check IDs or whole steps ("enisa/step/N"); empty means every check.
	Required []string `yaml:"required" json:"required,omitempty"`
	// FailOn is the lowest vulnerability severity that fails the gate.
	FailOn string `yaml:"fail_on" json:"fail_on"`
	// MaxOSVDBAge bounds how old the vulnerability database may be, e.g. "30d".
	MaxOSVDBAge string `yaml:"max_osv_db_age" json:"max_osv_db_age,omitempty"`
	// MaxKEVAge bounds how old the known-exploited catalogue may be (its
	// dateReleased at the reference time), e.g. "7d"; empty: no bound.
	MaxKEVAge       string   `yaml:"max_kev_age" json:"max_kev_age,omitempty"`
	AllowedBuilders []string `yaml:"allowed_builders" json:"allowed_builders,omitempty"`
	Waivers         []Waiver `yaml:"waivers" json:"waivers,omitempty"`
	// OwnComponents names the manufacturer's own components (its firmware
	// files, say), which no public advisory database covers, and where the
	// manufacturer publishes advisories for them.
	OwnComponents []OwnComponents `yaml:"own_components" json:"own_components,omitempty"`
	// Fleet says how the fleet/ checks judge a pinned fleet status snapshot.
	Fleet FleetPolicy `yaml:"fleet" json:"fleet,omitzero"`
}

// OwnComponents is one group of the manufacturer's own components. It only
// ever applies to components without an OSV ecosystem: a package of a
// public ecosystem cannot be declared the manufacturer's own.
type OwnComponents struct {
	// Match lists prefixes of a component's name, package URL or SBOM ref.
	Match []string `yaml:"match" json:"match"`
	// Advisories is where the manufacturer publishes advisories for them.
	Advisories    string `yaml:"advisories" json:"advisories"`
	Justification string `yaml:"justification" json:"justification"`
}

// OwnComponent returns the group that declares a component (by name,
// package URL or SBOM ref) the manufacturer's own, or nil.
func (p *Policy) OwnComponent(name, purl, ref string) *OwnComponents {
	for i := range p.OwnComponents {
		for _, m := range p.OwnComponents[i].Match {
			for _, s := range []string{name, purl, ref} {
				if s != "" && strings.HasPrefix(s, m) {
					return &p.OwnComponents[i]
				}
			}
		}
	}
	return nil
}

// Waiver accepts a failing finding or check for a while, with a reason.
type Waiver struct {
	ID            string       `yaml:"id" json:"id"` // a finding ID or a check ID
	Justification string       `yaml:"justification" json:"justification"`
	Approver      string       `yaml:"approver" json:"approver"`
	Expires       product.Date `yaml:"expires" json:"expires"`
	// Expired is set by the runner when the waiver no longer applies.
	Expired bool `yaml:"-" json:"expired"`
	// Used is set by the runner when the waiver matched something.
	Used bool `yaml:"-" json:"used"`
}

var severityRank = map[string]int{"none": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

// SeverityRank orders severities; unknown severities rank as high (fail closed).
func SeverityRank(s string) int {
	if r, ok := severityRank[strings.ToLower(s)]; ok {
		return r
	}
	return severityRank["high"]
}

// DefaultPolicy requires every check and fails on high vulnerabilities.
func DefaultPolicy() *Policy { return &Policy{FailOn: "high"} }

// Validate reports what makes a policy unusable.
func (p *Policy) Validate() error {
	if p.FailOn == "" {
		p.FailOn = "high"
	}
	if _, ok := severityRank[p.FailOn]; !ok {
		return fmt.Errorf("fail_on %q: want critical, high, medium, low or none", p.FailOn)
	}
	if p.MaxOSVDBAge != "" {
		if _, err := product.ParseDuration(p.MaxOSVDBAge); err != nil {
			return fmt.Errorf("max_osv_db_age: %w", err)
		}
	}
	if p.MaxKEVAge != "" {
		if _, err := product.ParseDuration(p.MaxKEVAge); err != nil {
			return fmt.Errorf("max_kev_age: %w", err)
		}
	}
	for i, o := range p.OwnComponents {
		if len(o.Match) == 0 || slices.Contains(o.Match, "") || !strings.HasPrefix(o.Advisories, "https://") || strings.TrimSpace(o.Justification) == "" {
			return fmt.Errorf("own_components[%d]: match (non-empty prefixes), advisories (an https:// URL) and justification are all required", i)
		}
	}
	if err := p.Fleet.validate(); err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	for i, w := range p.Waivers {
		if w.ID == "" || strings.TrimSpace(w.Justification) == "" || strings.TrimSpace(w.Approver) == "" || w.Expires.IsZero() {
			return fmt.Errorf("waivers[%d]: id, justification, approver and expires are all required", i)
		}
	}
	return nil
}

// FailsOn reports whether a vulnerability of severity s fails the gate.
func (p *Policy) FailsOn(s string) bool {
	if p.FailOn == "none" {
		return false
	}
	return SeverityRank(s) >= SeverityRank(p.FailOn)
}

// MaxDBAge returns the configured database age limit, zero when unset.
func (p *Policy) MaxDBAge() time.Duration {
	d, _ := product.ParseDuration(p.MaxOSVDBAge)
	return d
}

// KEVMaxAge returns the configured known-exploited catalogue age limit,
// zero when unset.
func (p *Policy) KEVMaxAge() time.Duration {
	d, _ := product.ParseDuration(p.MaxKEVAge)
	return d
}

// IsRequired reports whether a check's result gates the exit code.
func (p *Policy) IsRequired(i Info) bool {
	if len(p.Required) == 0 {
		return true
	}
	return slices.Contains(p.Required, i.ID) || slices.Contains(p.Required, fmt.Sprintf("enisa/step/%d", i.Step))
}

// LoadPolicy reads policy.yaml.
func LoadPolicy(path string) (*Policy, error) {
	b, err := product.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := ParsePolicy(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParsePolicy decodes and validates policy.yaml bytes.
func ParsePolicy(b []byte) (*Policy, error) {
	var p Policy
	if err := product.DecodeYAML(b, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// State says what became of a waiver in a run: applied, unused, or expired.
func (w Waiver) State() string {
	switch {
	case w.Expired:
		return "expired, not applied"
	case w.Used:
		return "applied"
	}
	return "unused"
}
