package attackrun

import "time"

// Schema identifies one run; SetSchema a file of several runs.
const (
	Schema    = "https://craudit.dev/schema/attack-results/v1"
	SetSchema = "https://craudit.dev/schema/attack-runs/v1"
)

// Profile is the client protocol a run drives.
type Profile string

const (
	ProfileTUF      Profile = "tuf"
	ProfileManifest Profile = "manifest"
	ProfileUptane   Profile = "uptane"
	ProfileRAUC     Profile = "rauc"
	ProfileSWUpdate Profile = "swupdate"
	ProfileMender   Profile = "mender"
	ProfileOSTree   Profile = "ostree"
)

// Profiles lists every profile the format names, in the order runs are kept.
var Profiles = []Profile{ProfileTUF, ProfileManifest, ProfileUptane, ProfileRAUC, ProfileSWUpdate, ProfileMender, ProfileOSTree}

// Known reports whether the format names profile p.
func Known(p Profile) bool {
	for _, k := range Profiles {
		if k == p {
			return true
		}
	}
	return false
}

// Expect is what a secure client must do with a scenario.
type Expect string

const (
	Accept Expect = "accept"
	Reject Expect = "reject"
)

// Verdict of one scenario (design.md, "Attack verdicts"). A verdict the
// format does not name is read as it is and judged as not conclusive.
type Verdict string

const (
	// Pass: an accept scenario installed exactly the expected content, or a
	// reject scenario was refused and nothing the attacker made is trusted.
	Pass Verdict = "pass"
	// Vulnerable: a reject scenario the client accepted, or attacker content
	// it keeps, or a hang at the deadline of a slow or endless scenario.
	Vulnerable Verdict = "vulnerable"
	// FunctionalFailure: the client refused a valid update.
	FunctionalFailure Verdict = "functional_failure"
	// Inconclusive: the client died of a signal the harness did not send, or
	// overran the deadline where hanging is not the attack.
	Inconclusive Verdict = "inconclusive"
)

// Label is the verdict as an auditor reads it.
func (v Verdict) Label() string {
	switch v {
	case Pass:
		return "pass"
	case Vulnerable:
		return "VULNERABLE"
	case FunctionalFailure:
		return "functional failure"
	}
	return string(v)
}

// Tool names the program that wrote the run.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Run is one run of an updater against the scenarios of one profile:
// evidence for the ENISA step 3-5 checks and the dossier's test report
// (Annex VII point 6).
type Run struct {
	Schema        string    `json:"schema"`
	Tool          Tool      `json:"tool"`
	Profile       Profile   `json:"profile"`
	Client        string    `json:"client"`
	ReferenceTime time.Time `json:"reference_time"`
	TimeSource    string    `json:"time_source"`
	// ClientTime says how the reference time reached the client.
	ClientTime string   `json:"client_time"`
	Limits     Limits   `json:"limits"`
	Scenarios  []Result `json:"scenarios"`
	Summary    Summary  `json:"summary"`
	// Updater names the updater under test by the digest of what ran.
	Updater *Updater `json:"updater,omitempty"`
	// SelfTest is true when the client under test is one of craudit's own
	// reference clients: such a run tests the harness, never the product.
	SelfTest bool `json:"self_test,omitempty"`
}

// SelfTestLabel names a run with SelfTest set wherever it is shown: it
// tests the harness and craudit's reference clients, never a product.
const SelfTestLabel = "reference-client self-test"

// Updater is the updater under test, bound by content.
type Updater struct {
	// Name is the executable's base name (or the script's).
	Name string `json:"name"`
	// Path is the file that was hashed: the client command's executable, or
	// the script it runs when the executable is an interpreter.
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	// Configs are the files given with --client-config.
	Configs []File `json:"configs,omitempty"`
}

// File is one hashed file.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Limits are the harness settings the verdicts depend on.
type Limits struct {
	DeadlineMS     int64 `json:"deadline_ms"`
	SlowIntervalMS int64 `json:"slow_interval_ms"`
	EndlessBytes   int64 `json:"endless_bytes"`
}

// Result is one scenario's verdict.
type Result struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Step    int     `json:"step"`
	Control string  `json:"control"`
	Mirrors string  `json:"mirrors"`
	Expect  Expect  `json:"expect"`
	Verdict Verdict `json:"verdict"`
	// ExitCode of the client's run against the scenario's repository (or of
	// the failed baseline run); -1 when it was killed.
	ExitCode int    `json:"exit_code"`
	Detail   string `json:"detail"`
	// ClientSaid is the client's last output line when it rightly refused.
	ClientSaid string `json:"client_said,omitempty"`
}

// Summary counts verdicts.
type Summary struct {
	Total             int `json:"total"`
	Pass              int `json:"pass"`
	Vulnerable        int `json:"vulnerable"`
	FunctionalFailure int `json:"functional_failure"`
	Inconclusive      int `json:"inconclusive"`
}

// Summarise counts the scenarios' verdicts into Summary (a verdict the
// format does not name counts as inconclusive) and makes Scenarios a list,
// never null, in the JSON.
func (r *Run) Summarise() {
	s := Summary{Total: len(r.Scenarios)}
	for _, sc := range r.Scenarios {
		switch sc.Verdict {
		case Pass:
			s.Pass++
		case Vulnerable:
			s.Vulnerable++
		case FunctionalFailure:
			s.FunctionalFailure++
		default:
			s.Inconclusive++
		}
	}
	r.Summary = s
	if r.Scenarios == nil {
		r.Scenarios = []Result{}
	}
}

// OK reports whether every scenario passed (attack's exit 0).
func (r *Run) OK() bool { return r.Summary.Total > 0 && r.Summary.Pass == r.Summary.Total }
