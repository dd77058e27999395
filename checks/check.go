package checks

import (
	"context"
)

// Status of a result or finding.
type Status string

const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Declared      Status = "declared"       // no automated proof; a declaration with evidence
	Missing       Status = "missing"        // neither evidence nor declaration
	NotApplicable Status = "not_applicable" // only with a justification
	Waived        Status = "waived"
	Error         Status = "error" // the check could not judge
)

// Rank orders statuses by how much they need attention, lowest first:
// fail 0, error 1, missing 2, waived 3, declared 4, pass 5, not_applicable 6.
// A fail ranks before an error, as in the exit code (a required fail exits 1
// even when another check errs); the worst of a group of statuses is the one
// with the lowest rank, so a pass beside a not_applicable makes the group a
// pass. A status this package does not define ranks -1, before every other:
// what cannot be read needs attention first.
func (s Status) Rank() int {
	switch s {
	case Fail:
		return 0
	case Error:
		return 1
	case Missing:
		return 2
	case Waived:
		return 3
	case Declared:
		return 4
	case Pass:
		return 5
	case NotApplicable:
		return 6
	}
	return -1
}

// Basis says whether a check enforces a legal mandate or a recommendation.
type Basis string

const (
	BasisCRA      Basis = "cra"      // a CRA requirement
	BasisPractice Basis = "practice" // ENISA advisory or other best practice
)

// Info describes a check; it never depends on the evidence.
type Info struct {
	ID      string // <area>/<name>, never changes
	Version int    // behaviour version
	Title   string
	// Step is the ENISA secure-update lifecycle step (1-7); 0 for none.
	Step int
	// MapsTo lists catalogue entry IDs (mappings/) the check serves.
	MapsTo []string
	Basis  Basis
	// Description says what is checked and why; Remediation what to do on failure.
	Description string
	Remediation string
}

// EvidenceRef points at a hash-pinned evidence file, relative to the bundle
// (or, in a dossier, to its evidence/ folder). SHA256 is empty for files
// cited by path only (signatures, DSSE envelopes, live evidence: see
// bundle.PathOnly); their hashes are pinned by bundle.json and SHA256SUMS.
type EvidenceRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
}

// Finding is one subject a check judged (a component, a vulnerability, a file).
type Finding struct {
	ID      string `json:"id"` // <check-id>#<subject>
	Status  Status `json:"status"`
	Subject string `json:"subject"`
	Message string `json:"message"`
	// Severity is set by checks whose findings have one (vulnerabilities).
	Severity string `json:"severity,omitempty"`
	// Aliases are other IDs a waiver may name this finding by (the same
	// vulnerability under its CVE or GHSA alias, say).
	Aliases []string `json:"aliases,omitempty"`
	// Waiver is the justification when a waiver applied.
	Waiver *Waiver `json:"waiver,omitempty"`
}

// Outcome is what a check's Run returns.
type Outcome struct {
	Status   Status
	Message  string
	Evidence []EvidenceRef
	Findings []Finding
	// Recount, when set, rewrites Message from the findings after waivers
	// applied, so its counts say what is still open.
	Recount func(findings []Finding) string
}

// Check judges one requirement.
type Check interface {
	Info() Info
	Run(ctx context.Context, in *Input) Outcome
}

// Func adapts a function to Check: most checks are a description plus a function.
type Func struct {
	I Info
	F func(ctx context.Context, in *Input) Outcome
}

func (c Func) Info() Info                                 { return c.I }
func (c Func) Run(ctx context.Context, in *Input) Outcome { return c.F(ctx, in) }

// Errorf is an outcome for a check that could not judge.
func Errorf(msg string) Outcome { return Outcome{Status: Error, Message: msg} }

// FindingID builds a finding ID from a check ID and a subject.
func FindingID(check, subject string) string { return check + "#" + subject }
