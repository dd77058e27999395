package provcheck

import (
	"fmt"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/provenance"
)

// file is one provenance file of the bundle, judged.
type file struct {
	Path string
	// Step marks craudit's own bundling-step statement.
	Step bool
	Res  *provenance.Result
	// Err says why the file could not be read or parsed.
	Err error
}

// evidence is what every provenance check looks at.
type evidence struct {
	Artefacts []provenance.Artefact
	Files     []file
	// RootNote explains a missing or unusable Sigstore trusted root.
	RootNote string
}

func (e *evidence) imported() []file {
	var out []file
	for _, f := range e.Files {
		if !f.Step {
			out = append(out, f)
		}
	}
	return out
}

func (e *evidence) paths() []string {
	var p []string
	for _, f := range e.Files {
		p = append(p, f.Path)
	}
	return p
}

// gather verifies every provenance file of the bundle. The error means the
// bundle cannot be judged at all (no usable index).
func gather(in *checks.Input) (*evidence, error) {
	if in.Bundle == nil || in.Bundle.Index == nil {
		return nil, fmt.Errorf("the bundle index is unusable")
	}
	e := &evidence{}
	for _, it := range in.Bundle.Index.ByRole(bundle.RoleArtefact) {
		e.Artefacts = append(e.Artefacts, provenance.Artefact{Name: it.Path, SHA256: it.SHA256, SHA512: it.SHA512})
	}
	var tr root.TrustedMaterial
	if in.Bundle.Index != nil {
		if _, listed := in.Bundle.Index.Item(bundle.SigstoreRoot); listed {
			data, err := in.Read(bundle.SigstoreRoot)
			if err == nil {
				var r *root.TrustedRoot
				r, err = root.NewTrustedRootFromJSON(data)
				if err == nil {
					tr = r
				}
			}
			if err != nil {
				e.RootNote = fmt.Sprintf("%s is unusable: %v", bundle.SigstoreRoot, err)
			}
		} else {
			e.RootNote = fmt.Sprintf("the bundle carries no Sigstore trusted root (%s; give one with `bundle --trusted-root`)", bundle.SigstoreRoot)
		}
	}
	var signer []*keys.PublicKey
	if in.Bundle.Signer != nil {
		signer = append(signer, in.Bundle.Signer)
	}
	trusted := append([]*keys.PublicKey{}, signer...)
	if in.Root != nil && (in.Bundle.Signer == nil || !in.Root.Equal(in.Bundle.Signer)) {
		trusted = append(trusted, in.Root)
	}
	for _, it := range in.Bundle.Index.ByRole(bundle.RoleProvenance) {
		f := file{Path: it.Path, Step: it.Path == provenance.StepFile}
		data, err := in.Read(it.Path)
		if err != nil {
			f.Err = err
			e.Files = append(e.Files, f)
			continue
		}
		o := provenance.VerifyOptions{Keys: trusted, TrustedRoot: tr, Artefacts: e.Artefacts, At: in.RefTime}
		if f.Step {
			// The bundling step is vouched for by the bundle's signer only.
			o = provenance.VerifyOptions{Keys: signer, Artefacts: e.Artefacts, At: in.RefTime}
		}
		f.Res, f.Err = provenance.Verify(data, o)
		if f.Err != nil {
			f.Err = fmt.Errorf("unreadable: %v", f.Err)
		}
		e.Files = append(e.Files, f)
	}
	return e, nil
}

// signatureNote adds why a signature could not be verified, when the cause
// is trust material the bundle lacks.
func (e *evidence) signatureNote(p provenance.Property, f file) string {
	msg := p.Detail
	if p.State == provenance.Unverified && !f.Step && e.RootNote != "" && strings.Contains(msg, "trusted root") {
		msg += "; " + e.RootNote
	}
	return msg
}

// allowed reports whether id is on the allow-list; an entry ending in "*"
// allows every ID it prefixes (e.g. a workflow at any tag).
func allowed(id string, list []string) bool {
	for _, a := range list {
		if a == id || (strings.HasSuffix(a, "*") && strings.HasPrefix(id, strings.TrimSuffix(a, "*"))) {
			return true
		}
	}
	return false
}

// worst is the status of the finding that needs attention first
// (checks.Status.Rank); no findings, or only passes, make a pass.
func worst(fs []checks.Finding) checks.Status {
	st := checks.Pass
	for _, f := range fs {
		if f.Status.Rank() < st.Rank() {
			st = f.Status
		}
	}
	return st
}

func count(fs []checks.Finding, st checks.Status) int {
	n := 0
	for _, f := range fs {
		if f.Status == st {
			n++
		}
	}
	return n
}
