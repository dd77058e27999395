package attack

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/uptaneattack"
	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/evidence/attackrun"
)

// stateSource serves one repository of a scenario's state to the reference
// Primary, as the harness's server would (metadata at the prefix, images
// under prefix/targets/).
type stateSource struct {
	st     *plan.State
	prefix string
}

func (s stateSource) get(p string, limit int64) ([]byte, error) {
	b, ok := s.st.Files[p]
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, primary.ErrNotFound)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %w", p, primary.ErrTooLarge)
	}
	return b, nil
}

func (s stateSource) Metadata(name string, limit int64) ([]byte, error) {
	return s.get(s.prefix+name, limit)
}

func (s stateSource) Target(name string, limit int64) ([]byte, error) {
	return s.get(s.prefix+"targets/"+strings.TrimPrefix(name, "/"), limit)
}

// TestUptaneScenariosReferencePrimary runs craudit's reference Primary
// (checks/verifier/primary, without transport) through the baseline and
// the attack of every Uptane scenario whose attack is not in the transport
// (slow and endless ones are the harness's): it takes each baseline,
// installs exactly the expected release in every accept scenario, and
// refuses every reject scenario.
func TestUptaneScenariosReferencePrimary(t *testing.T) {
	ref := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	ecus := []primary.ECU{}
	for _, e := range uptaneattack.Unit {
		ecus = append(ecus, primary.ECU{Serial: e.Serial, HardwareID: e.HardwareID})
	}
	for _, sc := range ForProfile(ProfileUptane) {
		if sc.Hang {
			continue
		}
		t.Run(sc.Name(), func(t *testing.T) {
			p, err := sc.build(plan.NewEnv(ref))
			if err != nil {
				t.Fatal(err)
			}
			run := func(st *plan.State, state *primary.State) *primary.Outcome {
				o, err := primary.Verify(primary.Config{
					Director: stateSource{st, uptaneattack.DirectorPrefix}, Image: stateSource{st, uptaneattack.ImagePrefix},
					DirectorTrust: p.InitRoots[uptaneattack.Director], ImageTrust: p.InitRoots[uptaneattack.Image],
					ECUs: ecus, ReferenceTime: ref, State: state, FetchTargets: true})
				if err != nil {
					t.Fatal(err)
				}
				return o
			}
			base := run(p.Baseline, nil)
			if !base.OK(false) || len(base.Targets) != 1 || !bytes.Equal(base.Targets[0].Data, p.BaseWant) {
				t.Fatalf("baseline refused: %+v", base)
			}
			at := run(p.Attack, base.State)
			switch {
			case sc.Expect == attackrun.Accept && (!at.OK(false) || len(at.Targets) != 1 || !bytes.Equal(at.Targets[0].Data, p.Want)):
				t.Errorf("valid update refused: %+v", at)
			case sc.Expect == attackrun.Reject && at.OK(false):
				t.Errorf("attack accepted: %+v", at)
			case sc.Expect == attackrun.Reject:
				t.Log(refusal(at))
			}
		})
	}
}

// refusal says why the Primary refused (for -v).
func refusal(o *primary.Outcome) string {
	var why []string
	for _, e := range []*primary.Error{o.Director.Err, o.Image.Err} {
		if e != nil {
			why = append(why, e.Error())
		}
	}
	for _, tg := range o.Targets {
		if tg.Err != nil {
			why = append(why, tg.Name+": "+tg.Err.Error())
		}
	}
	return strings.Join(why, "; ")
}
