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
	// The on-device update frameworks, driven as shipped (toolattack).
	ProfileRAUC     = attackrun.ProfileRAUC
	ProfileSWUpdate = attackrun.ProfileSWUpdate
	ProfileMender   = attackrun.ProfileMender
	ProfileOSTree   = attackrun.ProfileOSTree
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

// hangDetail explains the verdict on a client still running at the
// deadline of a slow-retrieval or endless-data scenario: what the server
// did and why holding on is the weakness. It names only the harness's own
// settings, so it is the same from run to run.
func hangDetail(sc Scenario, o Options) string {
	switch sc.Control {
	case CtlSlow:
		return fmt.Sprintf("still running at the %s deadline: the server sent the genuine file one byte every %s and the client kept waiting for the rest. "+
			"A client with no minimum transfer rate and no download deadline can be held by a slow server for as long as it likes, and never learns of newer updates meanwhile (slow-retrieval attack)",
			o.Deadline, o.SlowInterval)
	case CtlEndless:
		return fmt.Sprintf("still running at the %s deadline: the server sent a stream without end (up to %d bytes) and the client kept reading instead of stopping at the file's size limit (endless-data attack)",
			o.Deadline, o.EndlessSize)
	}
	return fmt.Sprintf("still running at the %s deadline: the hostile server held the client", o.Deadline)
}
