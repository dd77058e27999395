package verifier

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"

	"github.com/craudit/craudit/evidence/transcript"
)

// Manifest-profile repository layout (design.md).
const (
	ManifestPath     = "manifest.json"
	ManifestSigPath  = "manifest.json.sig"
	VendorCertPath   = "keys/vendor.cert.json"
	VendorCertSigPth = "keys/vendor.cert.json.sig"
	SignerKeyPath    = "keys/signer.pub"
	ArtefactsDir     = "artefacts/"
	// ManifestStateFile is kept in --state DIR.
	ManifestStateFile = "manifest-state.json"
)

// ManifestState is what a device remembers between updates.
type ManifestState struct {
	RollbackCounter uint64 `json:"rollback_counter"`
	Version         string `json:"version"`
	ManifestSHA256  string `json:"manifest_sha256"`
}

// manifestOrder is evidence/manifest's verification order.
var manifestOrder = []manifest.Step{manifest.StepChain, manifest.StepSignature, manifest.StepApplicability, manifest.StepFreshness, manifest.StepRollback}

var manifestControl = map[manifest.Step]transcript.Control{
	manifest.StepChain:         transcript.ControlSignature,
	manifest.StepSignature:     transcript.ControlSignature,
	manifest.StepApplicability: transcript.ControlApplicability,
	manifest.StepFreshness:     transcript.ControlFreshness,
	manifest.StepRollback:      transcript.ControlRollback,
	manifest.StepIntegrity:     transcript.ControlIntegrity,
}

var manifestENISA = map[manifest.Step]int{
	manifest.StepChain: 5, manifest.StepSignature: 5, manifest.StepApplicability: 5,
	manifest.StepFreshness: 3, manifest.StepRollback: 5, manifest.StepIntegrity: 5,
}

func (r *run) mstep(s manifest.Step, v transcript.Verdict, detail string) {
	r.t.Add(transcript.Step{ID: "manifest/" + string(s), Control: manifestControl[s], ENISAStep: manifestENISA[s], Verdict: v, Detail: detail})
}

func (r *run) manifest(trust []byte) error {
	err := r.manifestWorkflow(trust)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func (r *run) manifestWorkflow(trust []byte) error {
	t := r.t
	root, err := keys.ParsePublicPEM(trust)
	if err != nil {
		return couldNotRun("trust file %s: %v", r.o.TrustFile, err)
	}
	h := sha256.Sum256(trust)
	t.Trust = transcript.TrustInfo{Kind: ProfileManifest, SHA256: hex.EncodeToString(h[:]), KeyID: root.ID()}
	state, err := r.loadManifestState()
	if err != nil {
		return err
	}
	base := r.o.RepoURL
	var ch manifest.Chain
	for _, f := range []struct {
		p   string
		dst *[]byte
	}{{ManifestPath, &ch.Manifest}, {ManifestSigPath, &ch.ManifestSig}, {VendorCertPath, &ch.Cert}, {VendorCertSigPth, &ch.CertSig}} {
		b, err := r.fetch(joinURL(base, f.p), f.p, r.lim.ManifestMaxLength, 3)
		if err != nil {
			return err
		}
		*f.dst = b
	}
	mh := sha256.Sum256(ch.Manifest)
	msum := hex.EncodeToString(mh[:])
	vo := manifest.VerifyOptions{Root: root, At: r.ref, Product: r.o.Product, HardwareID: r.o.HardwareID}
	if r.o.Product == "" || r.o.HardwareID == "" {
		vo.SkipApplicabilityUnsafe = true
	}
	if state != nil && state.ManifestSHA256 != msum {
		c := state.RollbackCounter
		vo.InstalledCounter = &c
	}
	m, cert, verr := manifest.Verify(ch, vo)
	failAt := manifest.Step("")
	if verr != nil {
		var me *manifest.Error
		if !errors.As(verr, &me) {
			return &RunError{Err: verr}
		}
		failAt = me.Step
	}
	if m != nil {
		t.Versions["manifest"] = 0
		if m.RollbackCounter != nil {
			t.Versions["manifest"] = int64(*m.RollbackCounter)
		}
	}
	for _, s := range manifestOrder {
		if s == failAt {
			r.mstep(s, transcript.Fail, verr.Error())
			return errStop
		}
		r.mstep(s, passVerdict(s, vo), r.manifestPassText(s, m, cert, state, msum))
	}
	// Anti-rollback against the installed version (ENISA: version control).
	if r.o.InstalledVersion != "" {
		switch cmp := CompareVersions(m.Version, r.o.InstalledVersion); {
		case cmp > 0:
			r.t.Add(transcript.Step{ID: "manifest/version", Control: transcript.ControlRollback, ENISAStep: 5, Verdict: transcript.Pass,
				Detail: fmt.Sprintf("version %s is newer than the installed %s", m.Version, r.o.InstalledVersion)})
		case cmp == 0 && state != nil && state.ManifestSHA256 == msum:
			r.t.Add(transcript.Step{ID: "manifest/version", Control: transcript.ControlRollback, ENISAStep: 5, Verdict: transcript.Pass,
				Detail: fmt.Sprintf("version %s is already installed from this very manifest: nothing to update", m.Version)})
		default:
			r.t.Add(transcript.Step{ID: "manifest/version", Control: transcript.ControlRollback, ENISAStep: 5, Verdict: transcript.Fail,
				Detail: fmt.Sprintf("version %s is not newer than the installed %s", m.Version, r.o.InstalledVersion)})
			return errStop
		}
	}
	names := r.o.Targets
	if len(names) == 0 {
		for _, a := range m.Artefacts {
			names = append(names, a.Name)
		}
	}
	for _, name := range names {
		i := slices.IndexFunc(m.Artefacts, func(a manifest.Artefact) bool { return a.Name == name })
		if i < 0 {
			t.Add(transcript.Step{ID: "artefact/lookup", Control: transcript.ControlSignature, ENISAStep: 5, Verdict: transcript.Fail, Target: name,
				Detail: fmt.Sprintf("the signed manifest lists no artefact %q", name)})
			t.Targets = append(t.Targets, transcript.Target{Name: name, Verdict: transcript.Fail})
			return errStop
		}
		if err := r.artefact(m.Artefacts[i]); err != nil {
			return err
		}
	}
	if state == nil || state.ManifestSHA256 != msum {
		r.saveManifestState(ManifestState{RollbackCounter: *m.RollbackCounter, Version: m.Version, ManifestSHA256: msum})
	}
	return nil
}

func passVerdict(s manifest.Step, vo manifest.VerifyOptions) transcript.Verdict {
	if s == manifest.StepApplicability && vo.SkipApplicabilityUnsafe {
		return transcript.Skip
	}
	return transcript.Pass
}

func (r *run) manifestPassText(s manifest.Step, m *manifest.Manifest, cert *keys.Certificate, st *ManifestState, msum string) string {
	switch s {
	case manifest.StepChain:
		txt := fmt.Sprintf("vendor certificate %s signed by root key %s, valid %s to %s at the reference time, scope %v",
			cert.Serial, r.t.Trust.KeyID, cert.NotBefore.Format(rfc), cert.NotAfter.Format(rfc), cert.Scope)
		if m != nil {
			txt += fmt.Sprintf(" includes %q", m.Product)
		}
		return txt
	case manifest.StepSignature:
		return fmt.Sprintf("manifest.json signed by the certified vendor key %s", cert.Subject.KeyID)
	case manifest.StepApplicability:
		if r.o.Product == "" || r.o.HardwareID == "" {
			return "no device identity given (product and hardware ID): applicability not checked"
		}
		return fmt.Sprintf("product %q and hardware %q are listed", r.o.Product, r.o.HardwareID)
	case manifest.StepFreshness:
		return fmt.Sprintf("timestamp %s, expires %s", m.Timestamp.UTC().Format(rfc), m.Expires.UTC().Format(rfc))
	case manifest.StepRollback:
		switch {
		case st == nil:
			return fmt.Sprintf("rollback counter %d present; no stored counter (first run)", *m.RollbackCounter)
		case st.ManifestSHA256 == msum:
			return fmt.Sprintf("rollback counter %d: the manifest already accepted in an earlier run", *m.RollbackCounter)
		}
		return fmt.Sprintf("rollback counter %d is above the stored %d", *m.RollbackCounter, st.RollbackCounter)
	}
	return ""
}

// artefact downloads one artefact (no more bytes than the manifest states)
// and checks size, SHA-256 and SHA-512.
func (r *run) artefact(a manifest.Artefact) error {
	t := r.t
	if a.Name == "" || strings.ContainsAny(a.Name, "/\\") || a.Name == "." || a.Name == ".." {
		t.Add(transcript.Step{ID: "artefact/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Fail, Target: a.Name,
			Detail: fmt.Sprintf("artefact name %q is not a plain file name", a.Name)})
		return errStop
	}
	u := joinURL(r.o.RepoURL, ArtefactsDir+url.PathEscape(a.Name))
	rec := transcript.Target{Name: a.Name, URL: u, Length: a.Size}
	if a.Size > r.lim.TargetMaxLength {
		rec.Verdict = transcript.Fail
		t.Targets = append(t.Targets, rec)
		t.Add(transcript.Step{ID: "artefact/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Fail, Target: a.Name,
			Detail: fmt.Sprintf("%s: signed size %d exceeds the limit of %d bytes", a.Name, a.Size, r.lim.TargetMaxLength)})
		return errStop
	}
	data, err := r.fetch(u, "artefact "+a.Name, a.Size, 4)
	if err != nil {
		rec.Verdict = transcript.Fail
		t.Targets = append(t.Targets, rec)
		return err
	}
	h256, h512 := sha256.Sum256(data), sha512.Sum512(data)
	rec.SHA256, rec.SHA512 = hex.EncodeToString(h256[:]), hex.EncodeToString(h512[:])
	if err := manifest.VerifyArtefact(a, bytes.NewReader(data)); err != nil {
		rec.Verdict = transcript.Fail
		t.Targets = append(t.Targets, rec)
		t.Add(transcript.Step{ID: "artefact/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Fail, Target: a.Name, Detail: err.Error()})
		return errStop
	}
	rec.Verdict = transcript.Pass
	t.Targets = append(t.Targets, rec)
	t.Add(transcript.Step{ID: "artefact/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Pass, Target: a.Name,
		Detail: fmt.Sprintf("%s: size %d, SHA-256 and SHA-512 match the signed manifest", a.Name, a.Size)})
	if r.o.TargetDir != "" {
		if err := os.MkdirAll(r.o.TargetDir, 0o755); err != nil {
			return &RunError{Err: err}
		}
		if err := atomicfs.WriteFile(filepath.Join(r.o.TargetDir, a.Name), data, 0o644, true); err != nil {
			return &RunError{Err: err}
		}
	}
	return nil
}

func (r *run) loadManifestState() (*ManifestState, error) {
	if r.o.StateDir == "" {
		return nil, nil
	}
	b, err := readLimited(filepath.Join(r.o.StateDir, ManifestStateFile), 1<<16)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, couldNotRun("state: %v", err)
	}
	var s ManifestState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, couldNotRun("state %s: %v", ManifestStateFile, err)
	}
	r.t.Add(transcript.Step{ID: "state/manifest", Control: transcript.ControlRollback, ENISAStep: 5, Verdict: transcript.Info,
		Detail: fmt.Sprintf("stored rollback counter %d (version %s)", s.RollbackCounter, s.Version)})
	return &s, nil
}

func (r *run) saveManifestState(s ManifestState) {
	if r.o.StateDir == "" {
		return
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	if err := atomicfs.WriteFile(filepath.Join(r.o.StateDir, ManifestStateFile), append(b, '\n'), 0o600, true); err != nil {
		r.t.Add(transcript.Step{ID: "state/write", Control: transcript.ControlRollback, ENISAStep: 5, Verdict: transcript.Fail, Detail: err.Error()})
	}
}
