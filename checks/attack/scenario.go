package attack

import (
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks/attack/plan"
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
	build plan.Builder
}

// Name is the ID without the "attack/" prefix.
func (s Scenario) Name() string { return strings.TrimPrefix(s.ID, "attack/") }

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
