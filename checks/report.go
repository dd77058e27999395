package checks

import (
	"encoding/json"
	"time"
)

// ReportSchema identifies the results.json format.
const ReportSchema = "https://craudit.dev/schema/results/v1"

// Tool names the program that judged.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// CatalogueRef names a catalogue edition the checks were mapped against.
type CatalogueRef struct {
	ID      string `json:"id"`
	Edition string `json:"edition"`
}

// Subject identifies what was judged.
type Subject struct {
	Product      string `json:"product,omitempty"`
	ProductName  string `json:"product_name,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Version      string `json:"version,omitempty"`
}

// Result is one check's judgement after the policy is applied.
type Result struct {
	Check    string        `json:"check"`
	Version  int           `json:"version"`
	Title    string        `json:"title"`
	Status   Status        `json:"status"`
	Required bool          `json:"required"`
	Step     int           `json:"step"`
	MapsTo   []string      `json:"maps_to"`
	Basis    Basis         `json:"basis"`
	Message  string        `json:"message"`
	Evidence []EvidenceRef `json:"evidence"`
	Findings []Finding     `json:"findings"`
	Waiver   *Waiver       `json:"waiver,omitempty"`
	// Remediation is copied from the check's Info for failing results.
	Remediation string `json:"remediation,omitempty"`
}

// Summary counts results by status.
type Summary struct {
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Declared      int `json:"declared"`
	Missing       int `json:"missing"`
	NotApplicable int `json:"not_applicable"`
	Waived        int `json:"waived"`
	Error         int `json:"error"`
}

// Add counts one result of status st.
func (s *Summary) Add(st Status) {
	switch st {
	case Pass:
		s.Pass++
	case Fail:
		s.Fail++
	case Declared:
		s.Declared++
	case Missing:
		s.Missing++
	case NotApplicable:
		s.NotApplicable++
	case Waived:
		s.Waived++
	default:
		s.Error++
	}
}

// Count returns the number of results with status st.
func (s Summary) Count(st Status) int {
	switch st {
	case Pass:
		return s.Pass
	case Fail:
		return s.Fail
	case Declared:
		return s.Declared
	case Missing:
		return s.Missing
	case NotApplicable:
		return s.NotApplicable
	case Waived:
		return s.Waived
	}
	return s.Error
}

// Problem is something wrong with the bundle itself (changed, missing, extra files).
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Report is results.json.
type Report struct {
	Schema        string         `json:"schema"`
	Tool          Tool           `json:"tool"`
	ReferenceTime time.Time      `json:"reference_time"`
	TimeSource    string         `json:"time_source"`
	Catalogues    []CatalogueRef `json:"catalogues"`
	Subject       Subject        `json:"subject"`
	Summary       Summary        `json:"summary"`
	Outcome       string         `json:"outcome"` // passed, failed, error
	Results       []Result       `json:"results"`
	Waivers       []Waiver       `json:"waivers"`
	Problems      []Problem      `json:"bundle_problems"`
}

// Exit codes of judging commands.
const (
	ExitPass  = 0
	ExitFail  = 1
	ExitError = 2
)

// ExitCode applies the design's table: any required fail or missing -> 1;
// otherwise any error -> 2; otherwise 0.
func (r *Report) ExitCode() int {
	failed, errored := false, false
	for _, res := range r.Results {
		switch res.Status {
		case Fail, Missing:
			if res.Required {
				failed = true
			}
		case Error:
			errored = true
		}
	}
	switch {
	case failed:
		return ExitFail
	case errored:
		return ExitError
	}
	return ExitPass
}

// MarshalJSON-friendly encoding with a trailing newline.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
