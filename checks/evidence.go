package checks

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/sbom"
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
	sbomOnce  sync.Once
	sbom      *sbom.Document
	sbomErr   error
	vulnsOnce sync.Once
	vulns     *vuln.Report
	vulnsErr  error
	vexOnce   sync.Once
	vex       []*vex.Document
	vexErr    error
	tableOnce sync.Once
	table     *vex.Table
	tableErr  error
	manOnce   sync.Once
	man       *manifest.Manifest
	manErr    error
	chainOnce sync.Once
	chainMan  *manifest.Manifest
	chainErr  error
}

// readEvidence reads a verified bundle item, classifying what goes wrong.
func (in *Input) readEvidence(p string) ([]byte, error) {
	if !in.Has(p) {
		if in.Bundle != nil && in.Bundle.Bad(p) {
			return nil, &EvidenceError{Path: p, Kind: Unreadable, Err: fmt.Errorf("%s: failed verification", p)}
		}
		return nil, &EvidenceError{Path: p, Kind: Absent}
	}
	b, err := in.Read(p)
	if err != nil {
		return nil, &EvidenceError{Path: p, Kind: Unreadable, Err: err}
	}
	return b, nil
}

func decodeEvidence[T any](in *Input, p string, decode func([]byte) (T, error)) (T, error) {
	var zero T
	b, err := in.readEvidence(p)
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
	in.memo.sbomOnce.Do(func() { in.memo.sbom, in.memo.sbomErr = decodeEvidence(in, bundle.SBOMFile, sbom.Decode) })
	return in.memo.sbom, in.memo.sbomErr
}

// Vulns returns the bundle's decoded vulnerability scan (vulns.json).
func (in *Input) Vulns() (*vuln.Report, error) {
	in.memo.vulnsOnce.Do(func() { in.memo.vulns, in.memo.vulnsErr = decodeEvidence(in, bundle.VulnsFile, vuln.Parse) })
	return in.memo.vulns, in.memo.vulnsErr
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
	in.memo.vexOnce.Do(func() {
		for _, p := range in.VEXPaths() {
			d, err := decodeEvidence(in, p, func(b []byte) (*vex.Document, error) { return vex.Parse(p, b) })
			if err != nil {
				in.memo.vex, in.memo.vexErr = nil, err
				return
			}
			in.memo.vex = append(in.memo.vex, d)
		}
	})
	return in.memo.vex, in.memo.vexErr
}

// VulnTable returns the release's vulnerability table: the scan's findings
// for the SBOM's components with the VEX statements applied. It is built
// once and is what the gate judges and every report shows.
func (in *Input) VulnTable() (*vex.Table, error) {
	in.memo.tableOnce.Do(func() {
		r, err := in.Vulns()
		if err != nil {
			in.memo.tableErr = err
			return
		}
		s, err := in.SBOM()
		if err != nil {
			in.memo.tableErr = err
			return
		}
		docs, err := in.VEX()
		if err != nil {
			in.memo.tableErr = err
			return
		}
		in.memo.table, in.memo.tableErr = vex.ApplyDocument(s, r, docs)
	})
	return in.memo.table, in.memo.tableErr
}

// Manifest returns the bundle's decoded device manifest (manifest.json),
// without judging its signature chain (see VerifiedManifest).
func (in *Input) Manifest() (*manifest.Manifest, error) {
	in.memo.manOnce.Do(func() {
		in.memo.man, in.memo.manErr = decodeEvidence(in, bundle.ManifestFile, manifest.Parse)
	})
	return in.memo.man, in.memo.manErr
}

// VerifiedManifest runs the device-side chain verification (manifest
// signature, vendor certificate by the root key, validity at the reference
// time) once, on the bundle's verified bytes. Applicability and freshness
// are left to the checks that judge them; an error at those steps still
// returns the decoded manifest.
func (in *Input) VerifiedManifest() (*manifest.Manifest, error) {
	in.memo.chainOnce.Do(func() {
		var parts [4][]byte
		for i, p := range []string{bundle.ManifestFile, bundle.ManifestSig, bundle.VendorCert, bundle.VendorCertSig} {
			b, err := in.readEvidence(p)
			if err != nil {
				in.memo.chainErr = err
				return
			}
			parts[i] = b
		}
		o := manifest.VerifyOptions{Root: in.Root, At: in.RefTime, SkipApplicabilityUnsafe: true}
		m, _, err := manifest.Verify(manifest.Chain{Manifest: parts[0], ManifestSig: parts[1], Cert: parts[2], CertSig: parts[3]}, o)
		var me *manifest.Error
		if m == nil || (errors.As(err, &me) && (me.Step == manifest.StepChain || me.Step == manifest.StepSignature)) {
			in.memo.chainErr = err
			return
		}
		in.memo.chainMan = m
	})
	return in.memo.chainMan, in.memo.chainErr
}
