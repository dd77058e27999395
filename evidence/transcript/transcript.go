package transcript

import "time"

// Schema identifies one run; SetSchema a file of several runs.
const (
	Schema    = "https://craudit.dev/schema/verifier-transcript/v1"
	SetSchema = "https://craudit.dev/schema/verifier-transcripts/v1"
)

// Profile is the kind of repository.
type Profile string

const (
	ProfileTUF      Profile = "tuf"
	ProfileManifest Profile = "manifest"
	// ProfileUptane: a Director and an Image repository verified as an
	// Uptane Primary does (Repository is the Director).
	ProfileUptane Profile = "uptane"
)

// Control groups steps by the security control they exercise; the checks in
// checks/verifiercheck judge one control each.
type Control string

const (
	ControlTransport     Control = "transport"
	ControlSignature     Control = "signature"
	ControlFreshness     Control = "freshness"
	ControlRollback      Control = "rollback"
	ControlIntegrity     Control = "integrity"
	ControlApplicability Control = "applicability"
)

// Controls lists every control, in transcript order.
var Controls = []Control{ControlTransport, ControlSignature, ControlFreshness, ControlRollback, ControlIntegrity, ControlApplicability}

// Verdict of one step.
type Verdict string

const (
	Pass Verdict = "pass"
	Fail Verdict = "fail"
	Skip Verdict = "skip" // not checked; Detail says why
	Info Verdict = "info" // a decision worth recording that is not a check (state discarded ...)
)

// Verdicts of a whole run.
const (
	Verified = "verified"
	Failed   = "failed"
)

// Step is one decision of the client workflow.
type Step struct {
	// ID is "<subject>/<check>", e.g. "timestamp/freshness", "root/signature",
	// "target/integrity", "manifest/rollback", "transport/tls".
	ID      string  `json:"id"`
	Control Control `json:"control"`
	// ENISAStep is the lifecycle step (3 check, 4 retrieve, 5 verify).
	ENISAStep int     `json:"enisa_step"`
	Verdict   Verdict `json:"verdict"`
	Role      string  `json:"role,omitempty"`
	Version   int64   `json:"version,omitempty"`
	// Target names the target or artefact a step is about.
	Target string `json:"target,omitempty"`
	Detail string `json:"detail"`
}

// Failure names the first failing step.
type Failure struct {
	Step    string  `json:"step"`
	Control Control `json:"control"`
	Reason  string  `json:"reason"`
}

// Target is one downloaded and verified (or refused) file.
type Target struct {
	Name    string  `json:"name"`
	URL     string  `json:"url,omitempty"`
	Length  int64   `json:"length"`
	SHA256  string  `json:"sha256,omitempty"`
	SHA512  string  `json:"sha512,omitempty"`
	Role    string  `json:"role,omitempty"` // TUF: the role whose metadata listed it
	Verdict Verdict `json:"verdict"`
}

// TrustInfo describes the trust anchor used.
type TrustInfo struct {
	Kind   Profile `json:"kind"`
	SHA256 string  `json:"sha256"`
	// Version is the TUF root version, or 0.
	Version int64 `json:"version,omitempty"`
	// KeyID is the manifest profile's root key ID.
	KeyID string `json:"key_id,omitempty"`
}

// Transport summarises the transport controls.
type Transport struct {
	Scheme      string   `json:"scheme"`
	TLSVersions []string `json:"tls_versions,omitempty"`
	CA          string   `json:"ca"` // "given" (pinned --ca) or "system"
	MaxRedirect int      `json:"max_redirects"`
	TimeoutMS   int64    `json:"timeout_ms"`
	MinRate     int64    `json:"min_rate_bytes_per_s"`
}

// Request is one request the client made.
type Request struct {
	URL        string    `json:"url"`
	Purpose    string    `json:"purpose,omitempty"`
	Status     int       `json:"status,omitempty"`
	Bytes      int64     `json:"bytes"`
	Limit      int64     `json:"limit"`
	SHA256     string    `json:"sha256,omitempty"`
	TLSVersion string    `json:"tls_version,omitempty"`
	Redirects  []string  `json:"redirects,omitempty"`
	Started    string    `json:"started"`
	DurationMS int64     `json:"duration_ms"`
	Error      string    `json:"error,omitempty"`
	Kind       ErrorKind `json:"error_kind,omitempty"`
}

// ErrorKind classifies a failed request.
type ErrorKind string

const (
	KindInsecureScheme ErrorKind = "insecure-scheme"
	KindTLS            ErrorKind = "tls"
	KindRedirect       ErrorKind = "redirect"
	KindTooLarge       ErrorKind = "too-large"
	KindSlow           ErrorKind = "slow-retrieval"
	KindTimeout        ErrorKind = "timeout"
	KindNotFound       ErrorKind = "not-found"
	KindHTTPStatus     ErrorKind = "http-status"
	KindUnreachable    ErrorKind = "unreachable"
	KindOther          ErrorKind = "other"
)

// Run is the verifier's record of one run against one repository.
type Run struct {
	Schema  string  `json:"schema"`
	Tool    string  `json:"tool"`
	Profile Profile `json:"profile"`
	// Repository is the URL given; MetadataURL/TargetsURL the ones used (TUF).
	Repository  string    `json:"repository"`
	MetadataURL string    `json:"metadata_url,omitempty"`
	TargetsURL  string    `json:"targets_url,omitempty"`
	Trust       TrustInfo `json:"trust"`
	// ReferenceTime judges metadata and manifests; TLS is judged at the wall clock.
	ReferenceTime    time.Time        `json:"reference_time"`
	TimeSource       string           `json:"time_source"`
	Started          time.Time        `json:"started"`
	DurationMS       int64            `json:"duration_ms"`
	InstalledVersion string           `json:"installed_version,omitempty"`
	StateUsed        bool             `json:"state_used"`
	Verdict          string           `json:"verdict"`
	Failure          *Failure         `json:"failure,omitempty"`
	Transport        Transport        `json:"transport"`
	Steps            []Step           `json:"steps"`
	Versions         map[string]int64 `json:"versions,omitempty"`
	Targets          []Target         `json:"targets,omitempty"`
	Requests         []Request        `json:"requests"`
	// Uptane profile (added fields; absent in the other profiles): the
	// Image repository, its trust anchor, the vehicle's ECUs, whether the
	// verification was partial (a Secondary's), and the IDs of the failed
	// steps that name a deviation from the Standard rather than an attack.
	ImageRepository string     `json:"image_repository,omitempty"`
	ImageTrust      *TrustInfo `json:"image_trust,omitempty"`
	ECUs            []ECU      `json:"ecus,omitempty"`
	Partial         bool       `json:"partial,omitempty"`
	Deviations      []string   `json:"deviations,omitempty"`
	// Contacted says where the repository was really reached: the address
	// dialled (which differs from the URL's host under --resolve) and the TLS
	// leaf certificate it presented. It binds the run to one server.
	Contacted *Endpoint `json:"contacted,omitempty"`
}

// ECU is one ECU of the vehicle an Uptane run verified for.
type ECU struct {
	Serial     string `json:"serial"`
	HardwareID string `json:"hardware_id"`
}

// Endpoint is the server a run really talked to.
type Endpoint struct {
	// Address is the host:port dialled.
	Address string `json:"address"`
	// Resolve is the --resolve rule (HOST:PORT:ADDR) that moved the address,
	// or empty when the URL's host was looked up normally.
	Resolve string `json:"resolve,omitempty"`
	// TLSLeafSHA256 is the SHA-256 of the DER of the leaf certificate the
	// server presented (empty for plain HTTP).
	TLSLeafSHA256  string `json:"tls_leaf_sha256,omitempty"`
	TLSLeafSubject string `json:"tls_leaf_subject,omitempty"`
}

// OK reports whether the run verified.
func (t *Run) OK() bool { return t.Verdict == Verified }

// StepsFor returns the steps exercising control c.
func (t *Run) StepsFor(c Control) []Step {
	var out []Step
	for _, s := range t.Steps {
		if s.Control == c {
			out = append(out, s)
		}
	}
	return out
}

// Step returns the last step with the given ID.
func (t *Run) Step(id string) (Step, bool) {
	for i := len(t.Steps) - 1; i >= 0; i-- {
		if t.Steps[i].ID == id {
			return t.Steps[i], true
		}
	}
	return Step{}, false
}

// Add records a step; the first failing step becomes the run's Failure.
func (t *Run) Add(s Step) {
	t.Steps = append(t.Steps, s)
	if s.Verdict == Fail && t.Failure == nil {
		t.Failure = &Failure{Step: s.ID, Control: s.Control, Reason: s.Detail}
	}
}
