package fleet

import "time"

// StatusSchema names the Status document format.
const StatusSchema = "craudit.fleet-status/v1"

// Outcomes of update attempts, as devices reported them.
const (
	OutcomeSuccess       = "success"
	OutcomeFailure       = "failure"
	OutcomeRollback      = "rollback"
	OutcomeRefusedAttack = "refused-attack"
)

// Status is a fleet status snapshot: what `craudit fleet status --format
// json` prints and `bundle --fleet-status` pins (role fleet-status). Every
// list is sorted; unit lists are complete, never cut.
type Status struct {
	Schema string `json:"schema"`
	// ReferenceTime is the time the snapshot was computed for.
	ReferenceTime time.Time `json:"reference_time"`
	// Product is product.yaml's product ID the reports were matched to.
	Product string `json:"product"`
	// Store is the kind of database read: "sqlite" or "postgres" (never
	// the URL: it may carry credentials).
	Store string `json:"store"`
	// Units counts registered units; Reporting those with at least one
	// accepted report.
	Units     int `json:"units"`
	Reporting int `json:"reporting"`
	// Releases: units whose latest accepted report runs each release,
	// with the outcomes of attempts to install it.
	Releases []ReleaseStatus `json:"releases"`
	// Campaigns: outcomes per update campaign.
	Campaigns []CampaignStatus `json:"campaigns,omitempty"`
	// Support: units in and past their support period and those without a
	// placed-on-market record (unknown, never guessed).
	Support SupportStatus `json:"support"`
	// Silent lists units with no accepted report for more than SilentDays.
	SilentDays  int      `json:"silent_days"`
	SilentUnits []string `json:"silent_units"`
	// OpenVulnerabilityUnits counts units whose current release has open
	// (not VEX-covered) vulnerabilities; UnjudgedUnits those whose release
	// no given bundle judged (unknown, never "none open").
	OpenVulnerabilityUnits int `json:"open_vulnerability_units"`
	UnjudgedUnits          int `json:"unjudged_units"`
	// Rejected counts reports refused at ingest, by reason.
	Rejected Rejections `json:"rejected"`
}

// Counts of update attempts by outcome.
type Counts struct {
	Attempts      int `json:"attempts"`
	Success       int `json:"success"`
	Failure       int `json:"failure"`
	Rollback      int `json:"rollback"`
	RefusedAttack int `json:"refused_attack"`
}

// ReleaseStatus is one release (version) in the field.
type ReleaseStatus struct {
	Version string `json:"version"`
	// Units run this version per their latest accepted report.
	Units    int    `json:"units"`
	Attempts Counts `json:"attempts"`
	// OpenVulnerabilities are the IDs open (not VEX-covered) in this
	// release, when a bundle for it was given; nil when none was.
	OpenVulnerabilities []string `json:"open_vulnerabilities"`
	// Judged says whether a bundle for this release was given.
	Judged bool `json:"judged"`
}

// CampaignStatus is one update campaign.
type CampaignStatus struct {
	ID       string `json:"id"`
	Release  string `json:"release"`
	Attempts Counts `json:"attempts"`
}

// SupportStatus splits the units by support period.
type SupportStatus struct {
	InSupport    int      `json:"in_support"`
	PastSupport  []string `json:"past_support"`
	UnknownStart []string `json:"unknown_start"`
	// Basis says how support ends were computed (product.yaml's period);
	// Problem says why they were not (then InSupport is 0 and PastSupport
	// empty: not judged, never "in support").
	Basis   string `json:"basis,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// Rejections counts refused reports by reason.
type Rejections struct {
	BadSignature  int `json:"bad_signature"`
	Replay        int `json:"replay"`
	UnknownDevice int `json:"unknown_device"`
	Malformed     int `json:"malformed"`
	// HardwareMismatch: the report names another hardware ID than the
	// registry has for the unit.
	HardwareMismatch int `json:"hardware_mismatch"`
}

// Total is the number of refused reports.
func (r Rejections) Total() int {
	return r.BadSignature + r.Replay + r.UnknownDevice + r.Malformed + r.HardwareMismatch
}
