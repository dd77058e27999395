package attack

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/attackrun"
)

// Profile is the client protocol a scenario drives, as the results record it.
type Profile = attackrun.Profile

// The client protocols.
const (
	ProfileTUF      = attackrun.ProfileTUF
	ProfileManifest = attackrun.ProfileManifest
)

// Controls, as the ENISA advisory groups them.
const (
	CtlSignature     = "signature"
	CtlThreshold     = "signature-threshold"
	CtlRollback      = "rollback"
	CtlFreshness     = "freshness"
	CtlConsistency   = "metadata-consistency"
	CtlIntegrity     = "integrity"
	CtlEndless       = "endless-data"
	CtlSlow          = "slow-retrieval"
	CtlKeyRotation   = "key-rotation"
	CtlDelegation    = "delegation"
	CtlApplicability = "applicability"
	CtlTransport     = "transport"
	CtlUpdate        = "update"
)

// Scenario is one hostile (or benign) repository and what a secure client
// must do with it.
type Scenario struct {
	// ID is stable: attack/<profile>-<name>.
	ID      string
	Profile Profile
	Title   string
	// Step is the ENISA lifecycle step tested (3 check, 4 retrieve, 5 verify).
	Step    int
	Control string
	// Mirrors names the TUF / python-tuf / tuf-conformance attack it follows.
	Mirrors string
	Expect  attackrun.Expect
	// Hang marks slow-retrieval and endless-data scenarios: a client still
	// running at the deadline is vulnerable there.
	Hang  bool
	build func(*env) (*plan, error)
}

// Name is the ID without the "attack/" prefix.
func (s Scenario) Name() string { return strings.TrimPrefix(s.ID, "attack/") }

// plan is what a scenario serves and expects, built per run.
type plan struct {
	// baseline is the valid repository the client updates from first; the
	// attack state is served next, from the same server.
	baseline, attack *state
	// attackServer points the client at another server in the attack phase
	// ("impostor": a certificate from a CA the client was not given).
	attackServer string
	// attackAt shifts the reference time of the attack phase.
	attackAt time.Duration
	// initRoot is the TUF root the client is initialised with.
	initRoot []byte
	// baseWant and want are the contents a successful baseline and (accept
	// scenarios) attack phase must install.
	baseWant, want []byte
}

// special is a misbehaving path.
type special struct {
	kind string // slow, endless, redirect
	to   string // redirect: "<server>:<path>"
}

// state is one repository as served: files by URL path (no leading slash,
// percent-escaped as a client requests them).
type state struct {
	files   map[string][]byte
	mirror  map[string][]byte // served by the mirror and plain servers
	special map[string]special
	// hostile lists bytes the attacker made: a client must keep none of them.
	hostile [][]byte
}

func newState(files map[string][]byte) *state {
	return &state{files: files, mirror: map[string][]byte{}, special: map[string]special{}}
}

func (s *state) bad(b ...[]byte) *state { s.hostile = append(s.hostile, b...); return s }

// Lookup finds scenarios by ID or name; unknown names are an error.
func Lookup(names []string) ([]Scenario, error) {
	all := Catalogue()
	var out []Scenario
	for _, n := range names {
		found := false
		for _, s := range all {
			if s.ID == n || s.Name() == n {
				out = append(out, s)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown scenario %q (craudit attack --list shows them)", n)
		}
	}
	return out, nil
}

// ForProfile returns the catalogue's scenarios of one profile, in order.
func ForProfile(p Profile) []Scenario {
	var out []Scenario
	for _, s := range Catalogue() {
		if s.Profile == p {
			out = append(out, s)
		}
	}
	return out
}
