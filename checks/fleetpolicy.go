package checks

import (
	"fmt"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

// Values of FleetPolicy's IntegrityFailures and PastSupport.
const (
	FleetFail   = "fail"   // the default: what is found fails the check
	FleetReport = "report" // what is found is shown and passes
)

// DefaultMaxFleetStatusAge is how old a fleet status snapshot may be at the
// reference time when the policy sets no max_status_age.
const DefaultMaxFleetStatusAge = 30 * 24 * time.Hour

// FleetPolicy is policy.yaml's fleet block. Its zero value is the strict
// default: every rejected report and refused attack fails, every unit past
// its support period fails, any silent unit fails, and the snapshot may be
// at most 30 days old.
type FleetPolicy struct {
	// IntegrityFailures is fail (default) or report: what fleet/integrity-
	// failures makes of reports refused at ingest (bad signature, replay,
	// unknown device, malformed) and of attempts devices refused as attacks.
	IntegrityFailures string `yaml:"integrity_failures" json:"integrity_failures,omitempty"`
	// PastSupport is fail (default) or report: what fleet/support-period
	// makes of units past the end of their support period.
	PastSupport string `yaml:"past_support" json:"past_support,omitempty"`
	// MaxSilentPercent is the share of registered units (0-100) that may be
	// silent before fleet/silent-units fails; 0 (default) allows none.
	MaxSilentPercent float64 `yaml:"max_silent_percent" json:"max_silent_percent,omitempty"`
	// MaxStatusAge bounds the snapshot's age at the reference time, e.g.
	// "7d"; empty means 30 days.
	MaxStatusAge string `yaml:"max_status_age" json:"max_status_age,omitempty"`
}

func (f FleetPolicy) validate() error {
	for _, kv := range [][2]string{{"integrity_failures", f.IntegrityFailures}, {"past_support", f.PastSupport}} {
		if v := kv[1]; v != "" && v != FleetFail && v != FleetReport {
			return fmt.Errorf("%s %q: want fail or report", kv[0], v)
		}
	}
	if f.MaxSilentPercent < 0 || f.MaxSilentPercent > 100 {
		return fmt.Errorf("max_silent_percent %v: want 0 to 100", f.MaxSilentPercent)
	}
	if f.MaxStatusAge != "" {
		if d, err := product.ParseDuration(f.MaxStatusAge); err != nil || d <= 0 {
			return fmt.Errorf("max_status_age %q: want a positive duration such as 7d", f.MaxStatusAge)
		}
	}
	return nil
}

// MaxStatusAgeOrDefault is the snapshot age limit in force.
func (f FleetPolicy) MaxStatusAgeOrDefault() time.Duration {
	if d, err := product.ParseDuration(f.MaxStatusAge); err == nil && d > 0 {
		return d
	}
	return DefaultMaxFleetStatusAge
}

// Reports reports whether a fail-or-report key says report.
func (f FleetPolicy) Reports(v string) bool { return v == FleetReport }
