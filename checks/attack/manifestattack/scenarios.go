package manifestattack

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"maps"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/attack/layout"
	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
)

// ArtefactPath is where the repository serves the artefact.
const ArtefactPath = layout.ArtefactDir + plan.TargetName

// mfix holds a manifest-profile scenario's keys.
type mfix struct {
	e                *plan.Env
	root, vendor     *keys.PrivateKey
	cert, certSig    []byte
	rootPub          []byte
	scope            []string
	certFrom, certTo time.Time
}

func newFix(e *plan.Env) (*mfix, error) {
	root, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	vendor, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	m := &mfix{e: e, root: root, vendor: vendor, rootPub: root.Public().MarshalPEM(), scope: []string{plan.DeviceProduct},
		certFrom: e.Ref.AddDate(0, 0, -30), certTo: e.Ref.AddDate(1, 0, 0)}
	if err := m.certify(root, vendor); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *mfix) certify(root, vendor *keys.PrivateKey) error {
	var err error
	m.cert, m.certSig, err = keys.Certify(root, vendor.Public(), keys.CertifyOptions{Name: "vendor", Scope: m.scope,
		NotBefore: m.certFrom, NotAfter: m.certTo, Serial: "01"})
	return err
}

func (m *mfix) manifest(version string, counter uint64, content []byte) *manifest.Manifest {
	h256, h512 := sha256.Sum256(content), sha512.Sum512(content)
	return &manifest.Manifest{Product: plan.DeviceProduct, HardwareIDs: []string{plan.DeviceHardware}, Version: version, RollbackCounter: &counter,
		Timestamp: m.e.Ref.Add(-time.Hour), Expires: m.e.Ref.AddDate(0, 0, 30), UpdateType: "security", Severity: "high",
		Artefacts: []manifest.Artefact{{Name: plan.TargetName, Size: int64(len(content)), SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}}
}

// state lays out a repository: the manifest signed by signer (default the
// vendor key), the current certificate, and content as the artefact.
func (m *mfix) state(man *manifest.Manifest, content []byte, signer *keys.PrivateKey) (*plan.State, error) {
	if signer == nil {
		signer = m.vendor
	}
	// Signed as the layout writes it: a renamed field is part of what the
	// updater verifies.
	b, err := m.e.Layout.Marshal(man)
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(b)
	if err != nil {
		return nil, err
	}
	return plan.NewState(map[string][]byte{
		layout.ManifestPath: b, layout.ManifestSigPath: sig,
		layout.CertPath: m.cert, layout.CertSigPath: m.certSig,
		layout.SignerKeyPath: signer.Public().MarshalPEM(), ArtefactPath: content,
	}), nil
}

// plan is the last step of every builder: it places both states' files at
// the layout's paths.
func (m *mfix) plan(base, at *plan.State, want []byte) *plan.Plan {
	place(m.e.Layout, base)
	place(m.e.Layout, at)
	return &plan.Plan{Baseline: base, Attack: at, InitRoot: m.rootPub, BaseWant: m.e.A, Want: want}
}

// place moves a state laid out in craudit's paths to the layout's (files
// the layout does not serve are dropped), redirect targets included.
func place(l *layout.Layout, s *plan.State) {
	if l.IsDefault() {
		return
	}
	move := func(files map[string][]byte) map[string][]byte {
		out := make(map[string][]byte, len(files))
		for k, v := range files {
			if to, ok := l.Path(k); ok {
				out[to] = v
			}
		}
		return out
	}
	s.Files, s.Mirror = move(s.Files), move(s.Mirror)
	sp := make(map[string]plan.Special, len(s.Special))
	for k, v := range s.Special {
		to, ok := l.Path(k)
		if !ok {
			continue
		}
		if srv, p, found := strings.Cut(v.To, ":"); found {
			if np, ok := l.Path(strings.TrimPrefix(p, "/")); ok {
				v.To = srv + ":/" + np
			}
		}
		sp[to] = v
	}
	s.Special = sp
}

// start: keys and the baseline release 1.0.0 (counter 1, file a).
func start(e *plan.Env) (*mfix, *plan.State, error) {
	m, err := newFix(e)
	if err != nil {
		return nil, nil, err
	}
	base, err := m.state(m.manifest("1.0.0", 1, e.A), e.A, nil)
	return m, base, err
}

// Valid serves a valid, newer release (1.0.1, counter 2).
func Valid(e *plan.Env) (*plan.Plan, error) {
	m, base, err := start(e)
	if err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.B), e.B, nil)
	if err != nil {
		return nil, err
	}
	return m.plan(base, at, e.B), nil
}

// evil is a 1.0.1 state carrying x, signed by signer; edits change the
// attack state (in craudit's paths) before it is placed.
func (m *mfix) evil(man *manifest.Manifest, signer *keys.PrivateKey, edits ...func(*plan.State)) (*plan.Plan, error) {
	base, err := m.state(m.manifest("1.0.0", 1, m.e.A), m.e.A, nil)
	if err != nil {
		return nil, err
	}
	if man == nil {
		man = m.manifest("1.0.1", 2, m.e.X)
	}
	at, err := m.state(man, m.e.X, signer)
	if err != nil {
		return nil, err
	}
	at.Bad(at.Files[layout.ManifestPath], m.e.X)
	for _, edit := range edits {
		edit(at)
	}
	return m.plan(base, at, nil), nil
}

// BadSignature serves a manifest listing the attacker's file under the vendor's
// signature of another manifest.
func BadSignature(e *plan.Env) (*plan.Plan, error) {
	m, _, err := start(e)
	if err != nil {
		return nil, err
	}
	good, err := m.state(m.manifest("1.0.1", 2, e.B), e.B, nil)
	if err != nil {
		return nil, err
	}
	p, err := m.evil(nil, nil, func(at *plan.State) {
		at.Files[layout.ManifestSigPath] = good.Files[layout.ManifestSigPath]
	})
	return p, err
}

// UntrustedKey signs the manifest with a key other than the certified vendor
// key.
func UntrustedKey(e *plan.Env) (*plan.Plan, error) {
	m, _, err := start(e)
	if err != nil {
		return nil, err
	}
	rogue, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	p, err := m.evil(nil, rogue)
	return p, err
}

// Uncertified certifies the signing key by a root other than the device's.
func Uncertified(e *plan.Env) (*plan.Plan, error) {
	m, base, err := start(e)
	if err != nil {
		return nil, err
	}
	rogueRoot, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	rogue, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	if err := m.certify(rogueRoot, rogue); err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.X), e.X, rogue)
	if err != nil {
		return nil, err
	}
	at.Bad(at.Files[layout.ManifestPath], at.Files[layout.CertPath], e.X)
	return m.plan(base, at, nil), nil
}

// Cert serves a vendor certificate that has expired ("expired") or does not
// cover the product ("scope").
func Cert(how string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		m, base, err := start(e)
		if err != nil {
			return nil, err
		}
		switch how {
		case "expired":
			m.certFrom, m.certTo = e.Ref.AddDate(-1, 0, 0), e.Ref.AddDate(0, 0, -1)
		case "scope":
			m.scope = []string{"another-product"}
		}
		if err := m.certify(m.root, m.vendor); err != nil {
			return nil, err
		}
		man := m.manifest("1.0.1", 2, e.X)
		if how == "expired" {
			// Signed while the certificate was still valid, served after it expired.
			man.Timestamp = e.Ref.AddDate(0, 0, -2)
		}
		at, err := m.state(man, e.X, nil)
		if err != nil {
			return nil, err
		}
		at.Bad(at.Files[layout.ManifestPath], e.X)
		return m.plan(base, at, nil), nil
	}
}

// Applicability serves a validly signed manifest for another product or
// hardware (how).
func Applicability(how string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		m, err := newFix(e)
		if err != nil {
			return nil, err
		}
		// The vendor key may sign for both products: only the device's own
		// identity tells the manifest is not for it.
		m.scope = []string{plan.DeviceProduct, "thermo-2000"}
		if err := m.certify(m.root, m.vendor); err != nil {
			return nil, err
		}
		man := m.manifest("1.0.1", 2, e.X)
		if how == "product" {
			man.Product = "thermo-2000"
		} else {
			man.HardwareIDs = []string{"tx-200"}
		}
		p, err := m.evil(man, nil)
		return p, err
	}
}

// Version serves a validly signed manifest of the given version and rollback
// counter (a downgrade, or a counter that went down).
func Version(version string, counter uint64) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		m, _, err := start(e)
		if err != nil {
			return nil, err
		}
		p, err := m.evil(m.manifest(version, counter, e.X), nil)
		return p, err
	}
}

// Expired serves a manifest that has expired.
func Expired(e *plan.Env) (*plan.Plan, error) {
	m, _, err := start(e)
	if err != nil {
		return nil, err
	}
	man := m.manifest("1.0.1", 2, e.X)
	man.Timestamp, man.Expires = e.Ref.AddDate(0, 0, -30), e.Ref.Add(-time.Hour)
	p, err := m.evil(man, nil)
	return p, err
}

// Substituted serves an artefact of the signed length with other content.
func Substituted(e *plan.Env) (*plan.Plan, error) {
	m, base, err := start(e)
	if err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.B), e.B, nil)
	if err != nil {
		return nil, err
	}
	at.Files[ArtefactPath] = e.X
	return m.plan(base, at.Bad(e.X), nil), nil
}

// Redirect: "plain" sends manifest.json to plain http (same bytes);
// "mirror" sends the artefact to an https mirror with a tampered copy.
func Redirect(how string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		m, base, err := start(e)
		if err != nil {
			return nil, err
		}
		at, err := m.state(m.manifest("1.0.1", 2, e.B), e.B, nil)
		if err != nil {
			return nil, err
		}
		at.Mirror = maps.Clone(at.Files)
		switch how {
		case "plain":
			at.Special[layout.ManifestPath] = plan.Special{Kind: plan.Redirect, To: "plain:/" + layout.ManifestPath}
		case "mirror":
			p := ArtefactPath
			at.Mirror[p] = e.X
			at.Special[p] = plan.Special{Kind: plan.Redirect, To: "mirror:/" + p}
			at.Bad(e.X)
		}
		return m.plan(base, at, nil), nil
	}
}

// Impostor sends the client to a server whose certificate comes from a CA it
// does not pin.
func Impostor(e *plan.Env) (*plan.Plan, error) {
	m, base, err := start(e)
	if err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.B), e.B, nil)
	if err != nil {
		return nil, err
	}
	p := m.plan(base, at, nil)
	p.AttackServer = plan.ServerImpostor
	return p, nil
}

// Special makes path misbehave (plan.Endless, plan.Slow).
func Special(path, kind string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		m, base, err := start(e)
		if err != nil {
			return nil, err
		}
		at, err := m.state(m.manifest("1.0.1", 2, e.B), e.B, nil)
		if err != nil {
			return nil, err
		}
		at.Special[path] = plan.Special{Kind: kind}
		return m.plan(base, at, nil), nil
	}
}
