package product

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Release is release.yaml: what the device manifest needs that product.yaml
// does not say.
type Release struct {
	Version         string   `yaml:"version" json:"version"`
	RollbackCounter *uint64  `yaml:"rollback_counter" json:"rollback_counter"`
	HardwareIDs     []string `yaml:"hardware_ids" json:"hardware_ids"`
	// UpdateType is security, feature or mixed (Annex I Part II (2): security
	// fixes separate from feature updates where feasible).
	UpdateType string `yaml:"update_type" json:"update_type"`
	// SeparationJustification says why a mixed release could not ship its
	// security fixes apart from its functional changes (Annex I Part II
	// (2): separately "where technically feasible").
	SeparationJustification string `yaml:"separation_justification" json:"separation_justification,omitempty"`
	Severity                string `yaml:"severity" json:"severity,omitempty"`
	AdvisoryURL             string `yaml:"advisory_url" json:"advisory_url,omitempty"`
	// Validity is how long the manifest stays valid, e.g. "90d" or "2160h".
	Validity string `yaml:"validity" json:"validity"`
	Notes    string `yaml:"notes" json:"notes,omitempty"`
}

var updateTypes = map[string]bool{"security": true, "feature": true, "mixed": true}
var severities = map[string]bool{"": true, "none": true, "low": true, "medium": true, "high": true, "critical": true}

// ValidityDuration parses Validity.
func (r *Release) ValidityDuration() (time.Duration, error) {
	return ParseDuration(r.Validity)
}

// ParseDuration accepts Go durations plus a day suffix ("30d").
func ParseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 || n > 36500 {
			return 0, fmt.Errorf("duration %q: want a positive number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("duration %q: want e.g. 90d or 2160h", s)
	}
	return d, nil
}

// Validate reports what makes release.yaml unusable for building a manifest.
func (r *Release) Validate() error {
	var errs []string
	if strings.TrimSpace(r.Version) == "" {
		errs = append(errs, "version is required")
	}
	if r.RollbackCounter == nil {
		errs = append(errs, "rollback_counter is required")
	}
	if len(r.HardwareIDs) == 0 {
		errs = append(errs, "hardware_ids needs at least one entry")
	}
	if !updateTypes[r.UpdateType] {
		errs = append(errs, fmt.Sprintf("update_type %q: want security, feature or mixed", r.UpdateType))
	}
	if !severities[r.Severity] {
		errs = append(errs, fmt.Sprintf("severity %q: want none, low, medium, high or critical", r.Severity))
	}
	if _, err := r.ValidityDuration(); err != nil {
		errs = append(errs, "validity: "+err.Error())
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// LoadRelease reads and validates release.yaml, returning its exact bytes too.
func LoadRelease(path string) (*Release, []byte, error) {
	var r Release
	b, err := loadYAML(path, &r)
	if err != nil {
		return nil, nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, b, nil
}

// ParseRelease decodes and validates release.yaml bytes.
func ParseRelease(b []byte) (*Release, error) {
	var r Release
	if err := DecodeYAML(b, &r); err != nil {
		return nil, err
	}
	return &r, r.Validate()
}
