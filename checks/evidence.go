package checks

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/updaterconf"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/kev"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/vex"
	"github.com/craudit/craudit/evidence/vuln"
)

// EvidenceErrorKind says why a piece of evidence cannot be used; each kind
// maps to one status (see EvidenceError.Outcome).
type EvidenceErrorKind int

const (
	// Absent: the evidence is not there at all (status missing).
	Absent EvidenceErrorKind = iota + 1
	// Unreadable: it is listed but failed verification or could not be
	// read (status error: the check cannot judge).
	Unreadable
	// Malformed: it was read and verified but does not decode (status fail:
	// broken evidence is a finding about the release).
	Malformed
)

// EvidenceError is the typed error of the evidence accessors on Input.
type EvidenceError struct {
	Path string
	Kind EvidenceErrorKind
	Err  error
}

func (e *EvidenceError) Error() string {
	switch e.Kind {
	case Absent:
		return "the bundle has no " + e.Path
	case Malformed:
		if strings.HasPrefix(e.Err.Error(), e.Path) {
			return e.Err.Error()
		}
		return e.Path + ": " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *EvidenceError) Unwrap() error { return e.Err }

// StatusOf maps an accessor error to the status a check reports for it.
func StatusOf(err error) Status {
	var ee *EvidenceError
	if errors.As(err, &ee) {
		switch ee.Kind {
		case Absent:
			return Missing
		case Malformed:
			return Fail
		}
	}
	return Error
}

// memo holds the evidence decoded once per Input. Its zero value is ready:
// each accessor decodes on first use and every later call (from any check or
// report section, on any goroutine) gets the same value.
type memo struct {
	sbom        once[*sbom.Document]
	vulns       once[*vuln.Report]
	vex         once[[]*vex.Document]
	table       once[*vex.Table]
	manifest    once[*manifest.Manifest]
	chain       once[*manifest.Manifest]
	transcripts once[*LiveFile[transcript.Run]]
	attacks     once[*LiveFile[attackrun.Run]]
	kev         once[*kev.Catalogue]
	fleet       once[*fleet.Status]
	inspections once[[]Decoded[*artefact.Report]]
	configs     once[[]Decoded[*updaterconf.Config]]
}

// Decoded is one decoded evidence file of a kind the bundle may hold
// several of, with its path.
type Decoded[T any] struct {
	Path  string
	Value T
}

// decodeRole decodes every item with a role, in path order.
func decodeRole[T any](in *Input, role string, decode func([]byte) (T, error)) ([]Decoded[T], error) {
	if in.Bundle == nil || in.Bundle.Index == nil {
		return nil, nil
	}
	var out []Decoded[T]
	for _, it := range in.Bundle.Index.ByRole(role) {
		v, err := decodeEvidence(in, it.Path, decode)
		if err != nil {
			return nil, err
		}
		out = append(out, Decoded[T]{Path: it.Path, Value: v})
	}
	return out, nil
}

// ArtefactInspections returns the bundle's updater-artefact inspections
// (artefact-inspection/NAME.json), decoded once.
func (in *Input) ArtefactInspections() ([]Decoded[*artefact.Report], error) {
	return in.memo.inspections.get(func() ([]Decoded[*artefact.Report], error) {
		return decodeRole(in, bundle.RoleArtefactInspection, artefact.Decode)
	})
}

// UpdaterConfigs returns the bundle's updater configuration records
// (updater-config/NAME.json), decoded once.
func (in *Input) UpdaterConfigs() ([]Decoded[*updaterconf.Config], error) {
	return in.memo.configs.get(func() ([]Decoded[*updaterconf.Config], error) {
		return decodeRole(in, bundle.RoleUpdaterConfig, updaterconf.Decode)
	})
}

// once is one value decoded on first use.
type once[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (o *once[T]) get(decode func() (T, error)) (T, error) {
	o.once.Do(func() { o.v, o.err = decode() })
	return o.v, o.err
}

// readEvidence reads a verified bundle item, classifying what goes wrong.
func (in *Input) readEvidence(p string) ([]byte, error) { return in.evidence(p, in.Read) }

// evidence is readEvidence with the bytes read by read.
func (in *Input) evidence(p string, read func(string) ([]byte, error)) ([]byte, error) {
	if !in.Has(p) {
		if in.Bundle != nil && in.Bundle.Bad(p) {
			return nil, &EvidenceError{Path: p, Kind: Unreadable, Err: fmt.Errorf("%s: failed verification", p)}
		}
		return nil, &EvidenceError{Path: p, Kind: Absent}
	}
	b, err := read(p)
	if err != nil {
		return nil, &EvidenceError{Path: p, Kind: Unreadable, Err: err}
	}
	return b, nil
}

func decodeEvidence[T any](in *Input, p string, decode func([]byte) (T, error)) (T, error) {
	var zero T
	b, err := in.evidence(p, in.readShared) // decoders do not modify their input
	if err != nil {
		return zero, err
	}
	v, err := decode(b)
	if err != nil {
		return zero, &EvidenceError{Path: p, Kind: Malformed, Err: err}
	}
	return v, nil
}

// SBOM returns the bundle's decoded SBOM (sbom.cdx.json).
func (in *Input) SBOM() (*sbom.Document, error) {
	return in.memo.sbom.get(func() (*sbom.Document, error) { return decodeEvidence(in, bundle.SBOMFile, sbom.Decode) })
}

// Vulns returns the bundle's decoded vulnerability scan (vulns.json).
func (in *Input) Vulns() (*vuln.Report, error) {
	return in.memo.vulns.get(func() (*vuln.Report, error) { return decodeEvidence(in, bundle.VulnsFile, vuln.Parse) })
}

// KEV returns the bundle's known-exploited catalogue (kev.json).
func (in *Input) KEV() (*kev.Catalogue, error) {
	return in.memo.kev.get(func() (*kev.Catalogue, error) { return decodeEvidence(in, bundle.KEVFile, kev.Parse) })
}

// FleetStatus returns the bundle's fleet status snapshot (fleet-status.json).
func (in *Input) FleetStatus() (*fleet.Status, error) {
	return in.memo.fleet.get(func() (*fleet.Status, error) {
		return decodeEvidence(in, bundle.FleetStatusFile, fleet.ParseStatus)
	})
}

// VEXPaths lists the bundle's VEX documents in index order.
func (in *Input) VEXPaths() []string {
	if in.Bundle == nil || in.Bundle.Index == nil {
		return nil
	}
	var out []string
	for _, it := range in.Bundle.Index.ByRole(bundle.RoleVEX) {
		out = append(out, it.Path)
	}
	return out
}

// VEX returns the bundle's decoded VEX documents (none is not an error).
// The error names the first document that cannot be used.
func (in *Input) VEX() ([]*vex.Document, error) {
	return in.memo.vex.get(func() ([]*vex.Document, error) {
		var docs []*vex.Document
		for _, p := range in.VEXPaths() {
			d, err := decodeEvidence(in, p, func(b []byte) (*vex.Document, error) { return vex.Parse(p, b) })
			if err != nil {
				return nil, err
			}
			docs = append(docs, d)
		}
		return docs, nil
	})
}

// VulnTable returns the release's vulnerability table: the scan's findings
// for the SBOM's components with the VEX statements applied. It is built
// once and is what the gate judges and every report shows.
func (in *Input) VulnTable() (*vex.Table, error) {
	return in.memo.table.get(func() (*vex.Table, error) {
		r, err := in.Vulns()
		if err != nil {
			return nil, err
		}
		s, err := in.SBOM()
		if err != nil {
			return nil, err
		}
		docs, err := in.VEX()
		if err != nil {
			return nil, err
		}
		return vex.ApplyDocument(s, r, docs)
	})
}

// Manifest returns the bundle's decoded device manifest (manifest.json),
// without judging its signature chain (see VerifiedManifest).
func (in *Input) Manifest() (*manifest.Manifest, error) {
	return in.memo.manifest.get(func() (*manifest.Manifest, error) {
		return decodeEvidence(in, bundle.ManifestFile, manifest.Parse)
	})
}

// VerifiedManifest runs the device-side chain verification (manifest
// signature, vendor certificate by the root key, validity at the reference
// time) once, on the bundle's verified bytes. Applicability and freshness
// are left to the checks that judge them; an error at those steps still
// returns the decoded manifest.
func (in *Input) VerifiedManifest() (*manifest.Manifest, error) {
	return in.memo.chain.get(func() (*manifest.Manifest, error) {
		var parts [4][]byte
		for i, p := range []string{bundle.ManifestFile, bundle.ManifestSig, bundle.VendorCert, bundle.VendorCertSig} {
			b, err := in.readEvidence(p)
			if err != nil {
				return nil, err
			}
			parts[i] = b
		}
		o := manifest.VerifyOptions{Root: in.Root, At: in.RefTime, SkipApplicabilityUnsafe: true}
		m, _, err := manifest.Verify(manifest.Chain{Manifest: parts[0], ManifestSig: parts[1], Cert: parts[2], CertSig: parts[3]}, o)
		var me *manifest.Error
		if m == nil || (errors.As(err, &me) && (me.Step == manifest.StepChain || me.Step == manifest.StepSignature)) {
			return nil, err
		}
		return m, nil
	})
}
