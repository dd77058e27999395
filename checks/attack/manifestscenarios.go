package attack

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"maps"
	"time"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"

	"github.com/craudit/craudit/evidence/attackrun"
)

// The device the manifest-profile client plays (STATE/device.json).
const (
	DeviceProduct  = "thermo-1000"
	DeviceHardware = "tx-100"
	artefactName   = "firmware.bin"
)

// manifestScenarios is the manifest profile's catalogue (ENISA root key ->
// vendor certificate -> signed manifest -> artefacts, over HTTPS).
func manifestScenarios() []Scenario {
	return withProfile(ProfileManifest, []Scenario{
		{ID: "attack/manifest-valid-update", Title: "A valid, newer release is installed", Step: 5, Control: CtlUpdate, Expect: attackrun.Accept,
			Mirrors: "baseline (tuf-conformance download)", build: mValid},
		{ID: "attack/manifest-bad-signature", Title: "The manifest lists the attacker's file under the vendor's old signature", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack (invalid signature)", build: mBadSignature},
		{ID: "attack/manifest-untrusted-signing-key", Title: "The manifest is signed by a key other than the certified vendor key", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack (untrusted key)", build: mUntrustedKey},
		{ID: "attack/manifest-vendor-key-not-certified", Title: "The vendor certificate is issued by a key other than the device's root key", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack (chain to an untrusted root)", build: mUncertified},
		{ID: "attack/manifest-vendor-cert-expired", Title: "The vendor certificate has expired", Step: 5, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "key compromise after revocation by expiry", build: mCert("expired")},
		{ID: "attack/manifest-vendor-cert-out-of-scope", Title: "The vendor certificate does not cover this product", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "TUF delegation scoping (a key signs only what it is delegated)", build: mCert("scope")},
		{ID: "attack/manifest-wrong-product", Title: "A validly signed manifest for another product", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: "Uptane director: image for another ECU", build: mApplicability("product")},
		{ID: "attack/manifest-wrong-hardware", Title: "A validly signed manifest for other hardware", Step: 5, Control: CtlApplicability, Expect: attackrun.Reject,
			Mirrors: "Uptane director: image for another hardware ID", build: mApplicability("hardware")},
		{ID: "attack/manifest-downgrade-signed", Title: "A validly signed older version (with a higher counter)", Step: 5, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "rollback attack (version)", build: mVersion("0.9.0", 5)},
		{ID: "attack/manifest-rollback-counter", Title: "A newer version whose rollback counter went down", Step: 5, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "rollback attack (monotonic counter)", build: mVersion("1.0.2", 0)},
		{ID: "attack/manifest-expired", Title: "The manifest has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "indefinite freeze attack", build: mExpired},
		{ID: "attack/manifest-artefact-substituted", Title: "The artefact is replaced by one of the same length", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "arbitrary software attack on the payload (hash mismatch)", build: mSubstituted},
		{ID: "attack/manifest-tls-downgrade-http", Title: "manifest.json redirects to plain http", Step: 3, Control: CtlTransport, Expect: attackrun.Reject,
			Mirrors: "ENISA strong transport security (no insecure fallback)", build: mRedirect("plain")},
		{ID: "attack/manifest-redirect-mirror-tampered", Title: "The artefact redirects to an https mirror serving a tampered file", Step: 4, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "ENISA separation of trust domains (mirror untrusted)", build: mRedirect("mirror")},
		{ID: "attack/manifest-tls-untrusted-ca", Title: "The repository presents a certificate from a CA the device does not pin", Step: 3, Control: CtlTransport, Expect: attackrun.Reject,
			Mirrors: "ENISA trusted update source (DNS hijack, fake service)", build: mImpostor},
		{ID: "attack/manifest-endless-data-manifest", Title: "manifest.json is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "endless data attack", build: mSpecial("manifest.json", "endless")},
		{ID: "attack/manifest-endless-data-artefact", Title: "The artefact is an endless stream", Step: 4, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "endless data attack", build: mSpecial("artefacts/"+artefactName, "endless")},
		{ID: "attack/manifest-slow-retrieval", Title: "The artefact is dripped a byte at a time", Step: 4, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "slow retrieval attack", build: mSpecial("artefacts/"+artefactName, "slow")},
	})
}

// mfix holds a manifest-profile scenario's keys.
type mfix struct {
	e                *env
	root, vendor     *keys.PrivateKey
	cert, certSig    []byte
	rootPub          []byte
	scope            []string
	certFrom, certTo time.Time
}

func (e *env) newMFix() (*mfix, error) {
	root, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	vendor, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	m := &mfix{e: e, root: root, vendor: vendor, rootPub: root.Public().MarshalPEM(), scope: []string{DeviceProduct},
		certFrom: e.ref.AddDate(0, 0, -30), certTo: e.ref.AddDate(1, 0, 0)}
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
	return &manifest.Manifest{Product: DeviceProduct, HardwareIDs: []string{DeviceHardware}, Version: version, RollbackCounter: &counter,
		Timestamp: m.e.ref.Add(-time.Hour), Expires: m.e.ref.AddDate(0, 0, 30), UpdateType: "security", Severity: "high",
		Artefacts: []manifest.Artefact{{Name: artefactName, Size: int64(len(content)), SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}}
}

// state lays out a repository: the manifest signed by signer (default the
// vendor key), the current certificate, and content as the artefact.
func (m *mfix) state(man *manifest.Manifest, content []byte, signer *keys.PrivateKey) (*state, error) {
	if signer == nil {
		signer = m.vendor
	}
	b, err := man.Marshal()
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(b)
	if err != nil {
		return nil, err
	}
	return newState(map[string][]byte{
		"manifest.json": b, "manifest.json.sig": sig,
		"keys/vendor.cert.json": m.cert, "keys/vendor.cert.json.sig": m.certSig,
		"keys/signer.pub": signer.Public().MarshalPEM(), "artefacts/" + artefactName: content,
	}), nil
}

func (m *mfix) plan(base, at *state, want []byte) *plan {
	return &plan{baseline: base, attack: at, initRoot: m.rootPub, baseWant: m.e.a, want: want}
}

// start: keys and the baseline release 1.0.0 (counter 1, file a).
func (e *env) mStart() (*mfix, *state, error) {
	m, err := e.newMFix()
	if err != nil {
		return nil, nil, err
	}
	base, err := m.state(m.manifest("1.0.0", 1, e.a), e.a, nil)
	return m, base, err
}

func mValid(e *env) (*plan, error) {
	m, base, err := e.mStart()
	if err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.b), e.b, nil)
	if err != nil {
		return nil, err
	}
	return m.plan(base, at, e.b), nil
}

// evil is a 1.0.1 state carrying x, signed by signer.
func (m *mfix) evil(man *manifest.Manifest, signer *keys.PrivateKey) (*plan, *state, error) {
	base, err := m.state(m.manifest("1.0.0", 1, m.e.a), m.e.a, nil)
	if err != nil {
		return nil, nil, err
	}
	if man == nil {
		man = m.manifest("1.0.1", 2, m.e.x)
	}
	at, err := m.state(man, m.e.x, signer)
	if err != nil {
		return nil, nil, err
	}
	at.bad(at.files["manifest.json"], m.e.x)
	return m.plan(base, at, nil), at, nil
}

func mBadSignature(e *env) (*plan, error) {
	m, _, err := e.mStart()
	if err != nil {
		return nil, err
	}
	p, at, err := m.evil(nil, nil)
	if err != nil {
		return nil, err
	}
	good, err := m.state(m.manifest("1.0.1", 2, e.b), e.b, nil)
	if err != nil {
		return nil, err
	}
	at.files["manifest.json.sig"] = good.files["manifest.json.sig"]
	return p, nil
}

func mUntrustedKey(e *env) (*plan, error) {
	m, _, err := e.mStart()
	if err != nil {
		return nil, err
	}
	rogue, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	p, _, err := m.evil(nil, rogue)
	return p, err
}

func mUncertified(e *env) (*plan, error) {
	m, base, err := e.mStart()
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
	at, err := m.state(m.manifest("1.0.1", 2, e.x), e.x, rogue)
	if err != nil {
		return nil, err
	}
	at.bad(at.files["manifest.json"], at.files["keys/vendor.cert.json"], e.x)
	return m.plan(base, at, nil), nil
}

func mCert(how string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		m, base, err := e.mStart()
		if err != nil {
			return nil, err
		}
		switch how {
		case "expired":
			m.certFrom, m.certTo = e.ref.AddDate(-1, 0, 0), e.ref.AddDate(0, 0, -1)
		case "scope":
			m.scope = []string{"another-product"}
		}
		if err := m.certify(m.root, m.vendor); err != nil {
			return nil, err
		}
		man := m.manifest("1.0.1", 2, e.x)
		if how == "expired" {
			// Signed while the certificate was still valid, served after it expired.
			man.Timestamp = e.ref.AddDate(0, 0, -2)
		}
		at, err := m.state(man, e.x, nil)
		if err != nil {
			return nil, err
		}
		at.bad(at.files["manifest.json"], e.x)
		return m.plan(base, at, nil), nil
	}
}

func mApplicability(how string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		m, err := e.newMFix()
		if err != nil {
			return nil, err
		}
		// The vendor key may sign for both products: only the device's own
		// identity tells the manifest is not for it.
		m.scope = []string{DeviceProduct, "thermo-2000"}
		if err := m.certify(m.root, m.vendor); err != nil {
			return nil, err
		}
		man := m.manifest("1.0.1", 2, e.x)
		if how == "product" {
			man.Product = "thermo-2000"
		} else {
			man.HardwareIDs = []string{"tx-200"}
		}
		p, _, err := m.evil(man, nil)
		return p, err
	}
}

func mVersion(version string, counter uint64) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		m, _, err := e.mStart()
		if err != nil {
			return nil, err
		}
		p, _, err := m.evil(m.manifest(version, counter, e.x), nil)
		return p, err
	}
}

func mExpired(e *env) (*plan, error) {
	m, _, err := e.mStart()
	if err != nil {
		return nil, err
	}
	man := m.manifest("1.0.1", 2, e.x)
	man.Timestamp, man.Expires = e.ref.AddDate(0, 0, -30), e.ref.Add(-time.Hour)
	p, _, err := m.evil(man, nil)
	return p, err
}

func mSubstituted(e *env) (*plan, error) {
	m, base, err := e.mStart()
	if err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.b), e.b, nil)
	if err != nil {
		return nil, err
	}
	at.files["artefacts/"+artefactName] = e.x
	return m.plan(base, at.bad(e.x), nil), nil
}

// mRedirect: "plain" sends manifest.json to plain http (same bytes);
// "mirror" sends the artefact to an https mirror with a tampered copy.
func mRedirect(how string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		m, base, err := e.mStart()
		if err != nil {
			return nil, err
		}
		at, err := m.state(m.manifest("1.0.1", 2, e.b), e.b, nil)
		if err != nil {
			return nil, err
		}
		at.mirror = maps.Clone(at.files)
		switch how {
		case "plain":
			at.special["manifest.json"] = special{kind: "redirect", to: "plain:/manifest.json"}
		case "mirror":
			p := "artefacts/" + artefactName
			at.mirror[p] = e.x
			at.special[p] = special{kind: "redirect", to: "mirror:/" + p}
			at.bad(e.x)
		}
		return m.plan(base, at, nil), nil
	}
}

func mImpostor(e *env) (*plan, error) {
	m, base, err := e.mStart()
	if err != nil {
		return nil, err
	}
	at, err := m.state(m.manifest("1.0.1", 2, e.b), e.b, nil)
	if err != nil {
		return nil, err
	}
	p := m.plan(base, at, nil)
	p.attackServer = "impostor"
	return p, nil
}

func mSpecial(path, kind string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		m, base, err := e.mStart()
		if err != nil {
			return nil, err
		}
		at, err := m.state(m.manifest("1.0.1", 2, e.b), e.b, nil)
		if err != nil {
			return nil, err
		}
		at.special[path] = special{kind: kind}
		return m.plan(base, at, nil), nil
	}
}
