package toolattack

import (
	"bytes"
	"errors"
	"fmt"
	"maps"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack/toolkit"
	"github.com/craudit/craudit/evidence/attackrun"
)

// Tool names one of the four updaters, as its attack profile does.
type Tool = attackrun.Profile

// The four tools.
const (
	RAUC     = attackrun.ProfileRAUC
	SWUpdate = attackrun.ProfileSWUpdate
	Mender   = attackrun.ProfileMender
	OSTree   = attackrun.ProfileOSTree
)

// Tools lists them in the order their runs are made.
var Tools = []Tool{RAUC, SWUpdate, Mender, OSTree}

// Spec is one scenario of a tool profile as the attack catalogue lists it;
// its ID is "attack/" + Name.
type Spec struct {
	Name, Title string
	Step        int
	Control     string
	Mirrors     string
	Expect      attackrun.Expect
	// Hang: a client still running at the deadline is vulnerable.
	Hang  bool
	Build plan.Builder
}

// Controls, with the words of the attack catalogue.
const (
	ctlSignature     = "signature"
	ctlFreshness     = "freshness"
	ctlRollback      = "rollback"
	ctlIntegrity     = "integrity"
	ctlApplicability = "applicability"
	ctlTransport     = "transport"
	ctlSlow          = "slow-retrieval"
	ctlEndless       = "endless-data"
	ctlUpdate        = "update"
)

// OversizeBytes is what the oversize scenario serves under the artefact's
// name: more than any release of the test device (and more than RAUC's
// default max-bundle-download-size of 8 MiB).
const OversizeBytes = 24 << 20

// release is one release a fixture builds.
type release struct {
	version string
	content []byte
	signer  toolkit.SignerKind
	// otherDevice: made for another device (compatible, hardware revision,
	// device type, ref).
	otherDevice bool
}

// fixture builds one scenario's artefacts in a tool's format.
type fixture interface {
	// trust is the device's trust anchor (plan.Plan.InitRoot).
	trust() []byte
	artefact(r release) ([]byte, error)
	close()
}

// format is a single-artefact tool (RAUC, SWUpdate, Mender).
type format struct {
	tool Tool
	// path is where the artefact is served (the driver asks for it).
	path string
	// device names what a release must match ("compatible", ...).
	device string
	// certs: signers have certificates (the expired scenario applies).
	certs  bool
	newFix func(e *plan.Env) (fixture, error)
	// mirrors names the tool's own check for each control.
	mirrors map[string]string
}

// attackFn makes the attack state from a fixture; want is the release an
// accept scenario must install.
type attackFn func(e *plan.Env, fx fixture) (st *plan.State, want []byte, err error)

func (f format) builder(attack attackFn, server string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		fx, err := f.newFix(e)
		if err != nil {
			return nil, err
		}
		defer fx.close()
		base, err := fx.artefact(release{version: "1.0.0", content: e.A})
		if err != nil {
			return nil, fmt.Errorf("baseline release: %w", err)
		}
		st, want, err := attack(e, fx)
		if err != nil {
			return nil, err
		}
		return &plan.Plan{Baseline: plan.NewState(map[string][]byte{f.path: base}), Attack: st, AttackServer: server,
			InitRoot: fx.trust(), BaseWant: e.A, Want: want}, nil
	}
}

// hostile serves the attacker's release r (content e.X).
func (f format) hostile(r release) attackFn {
	return func(e *plan.Env, fx fixture) (*plan.State, []byte, error) {
		r.content = e.X
		if r.version == "" {
			r.version = "1.0.1"
		}
		art, err := fx.artefact(r)
		if err != nil {
			return nil, nil, err
		}
		return plan.NewState(map[string][]byte{f.path: art}).Bad(art, e.X), nil, nil
	}
}

// genuine serves the valid 1.0.1 release, then lets edit make the state
// hostile (nil edit: the valid update itself, to be installed).
func (f format) genuine(edit func(e *plan.Env, st *plan.State, art []byte) error) attackFn {
	return func(e *plan.Env, fx fixture) (*plan.State, []byte, error) {
		art, err := fx.artefact(release{version: "1.0.1", content: e.B})
		if err != nil {
			return nil, nil, err
		}
		st := plan.NewState(map[string][]byte{f.path: art})
		if edit == nil {
			return st, e.B, nil
		}
		return st, nil, edit(e, st, art)
	}
}

var errNoPayload = errors.New("the payload is not stored verbatim in the artefact (cannot tamper it in place)")

// tamper swaps the release's payload for the attacker's, same length.
func (f format) tamper(e *plan.Env, st *plan.State, art []byte) error {
	if bytes.Count(art, e.B) != 1 {
		return errNoPayload
	}
	bad := bytes.Replace(art, e.B, e.X, 1)
	st.Files[f.path] = bad
	st.Bad(bad, e.X)
	return nil
}

// specs is the scenario list of a single-artefact tool.
func (f format) specs() []Spec {
	t := string(f.tool)
	m := func(ctl string) string { return f.mirrors[ctl] }
	tamper := f.tamper
	redirect := func(e *plan.Env, st *plan.State, art []byte) error {
		st.Mirror = maps.Clone(st.Files)
		st.Special[f.path] = plan.Special{Kind: plan.Redirect, To: "plain:/" + f.path}
		return nil
	}
	special := func(kind string) func(*plan.Env, *plan.State, []byte) error {
		return func(e *plan.Env, st *plan.State, art []byte) error {
			st.Special[f.path] = plan.Special{Kind: kind}
			return nil
		}
	}
	oversize := func(e *plan.Env, st *plan.State, art []byte) error {
		big := make([]byte, OversizeBytes)
		copy(big, art)
		for i := len(art); i < len(big); i++ {
			big[i] = byte('A' + i%26)
		}
		st.Files[f.path] = big
		st.Bad(big)
		return nil
	}
	out := []Spec{
		{Name: t + "-valid-update", Title: "A valid, newer release signed by the vendor is installed", Step: 5, Control: ctlUpdate, Expect: attackrun.Accept,
			Mirrors: "baseline update", Build: f.builder(f.genuine(nil), "")},
		{Name: t + "-tampered-payload", Title: "The vendor's signed release with its payload replaced (same length)", Step: 5, Control: ctlIntegrity, Expect: attackrun.Reject,
			Mirrors: m(ctlIntegrity), Build: f.builder(f.genuine(tamper), "")},
		{Name: t + "-unsigned", Title: "An unsigned release carrying the attacker's payload", Step: 5, Control: ctlSignature, Expect: attackrun.Reject,
			Mirrors: m(ctlSignature), Build: f.builder(f.hostile(release{signer: toolkit.Unsigned}), "")},
		{Name: t + "-wrong-signer", Title: "A release signed by a key the device does not trust", Step: 5, Control: ctlSignature, Expect: attackrun.Reject,
			Mirrors: m(ctlSignature), Build: f.builder(f.hostile(release{signer: toolkit.ByOther}), "")},
	}
	if f.certs {
		out = append(out, Spec{Name: t + "-expired-certificate", Title: "A release signed with an expired certificate from the trusted CA", Step: 5, Control: ctlFreshness, Expect: attackrun.Reject,
			Mirrors: m(ctlFreshness), Build: f.builder(f.hostile(release{signer: toolkit.ByExpired}), "")})
	}
	return append(out,
		Spec{Name: t + "-wrong-" + slug(f.device), Title: "A validly signed release for another device (" + f.device + ")", Step: 5, Control: ctlApplicability, Expect: attackrun.Reject,
			Mirrors: m(ctlApplicability), Build: f.builder(f.hostile(release{otherDevice: true}), "")},
		Spec{Name: t + "-downgrade", Title: "An older release (0.9.0), validly signed", Step: 5, Control: ctlRollback, Expect: attackrun.Reject,
			Mirrors: m(ctlRollback), Build: f.builder(f.hostile(release{version: "0.9.0"}), "")},
		Spec{Name: t + "-tls-untrusted-server", Title: "The server presents a certificate from a CA the device does not trust", Step: 3, Control: ctlTransport, Expect: attackrun.Reject,
			Mirrors: "TLS server authentication", Build: f.builder(f.genuine(func(*plan.Env, *plan.State, []byte) error { return nil }), plan.ServerImpostor)},
		Spec{Name: t + "-redirect-http", Title: "The artefact's URL redirects to plain http", Step: 4, Control: ctlTransport, Expect: attackrun.Reject,
			Mirrors: "https-only download (a redirect must not downgrade the transport)", Build: f.builder(f.genuine(redirect), "")},
		Spec{Name: t + "-slow-retrieval", Title: "The artefact is dripped a byte at a time", Step: 4, Control: ctlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "download deadline or minimum rate", Build: f.builder(f.genuine(special(plan.Slow)), "")},
		Spec{Name: t + "-endless-data", Title: "The artefact is an endless stream", Step: 4, Control: ctlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "download size limit", Build: f.builder(f.genuine(special(plan.Endless)), "")},
		Spec{Name: t + "-oversize", Title: fmt.Sprintf("The artefact's URL serves %d MiB: the signed release followed by filler", OversizeBytes>>20), Step: 4, Control: ctlEndless, Expect: attackrun.Reject,
			Mirrors: "download size limit (RAUC max-bundle-download-size, none in SWUpdate or Mender)", Build: f.builder(f.genuine(oversize), "")},
	)
}

func slug(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == ' ' {
			b[i] = '-'
		}
	}
	return string(b)
}

// Scenarios lists tool t's scenarios in a stable order.
func Scenarios(t Tool) []Spec {
	switch t {
	case RAUC:
		return raucFormat.specs()
	case SWUpdate:
		return append(swuFormat.specs(), swuDirectSpec())
	case Mender:
		return menderFormat.specs()
	case OSTree:
		return ostreeSpecs()
	}
	return nil
}
