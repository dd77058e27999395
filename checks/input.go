package checks

import (
	"fmt"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

// Input is everything a check may look at. It is built once by Load and is
// read-only for checks.
type Input struct {
	// Bundle is the opened, verified bundle; items that failed verification
	// are refused by Bundle.Read.
	Bundle *bundle.Bundle
	Root   *keys.PublicKey
	// RefTime is the reference time for validity judgements.
	RefTime time.Time
	Policy  *Policy

	// Parsed inputs from the bundle; nil when absent or unusable (ParseErrs says why).
	Product   *product.Product
	Release   *product.Release
	Answers   *product.Answers
	ParseErrs map[string]error

	// Live holds evidence gathered outside the bundle (verifier transcript,
	// attack results), keyed by its evidence path (live/transcript.json ...).
	Live map[string][]byte
	// Gathered marks the Live paths this process measured itself in this
	// run (a verifier run against --repo): authentic by construction, so
	// not required to be signed. Evidence read from a file never is.
	Gathered map[string]bool

	// memo holds the typed evidence the accessors (SBOM, Vulns, VulnTable,
	// ...) decode once per Input.
	memo memo
}

// Load opens the parsed inputs of a verified bundle.
func Load(b *bundle.Bundle, root *keys.PublicKey, at time.Time, p *Policy) *Input {
	in := &Input{Bundle: b, Root: root, RefTime: at, Policy: p, ParseErrs: map[string]error{}, Live: map[string][]byte{}}
	if p == nil {
		in.Policy = DefaultPolicy()
	}
	if data, err := in.read(bundle.ProductFile); err == nil {
		in.Product, err = product.ParseProduct(data)
		in.noteErr(bundle.ProductFile, err)
	}
	if data, err := in.read(bundle.ReleaseFile); err == nil {
		in.Release, err = product.ParseRelease(data)
		in.noteErr(bundle.ReleaseFile, err)
	}
	if data, err := in.read(bundle.AnswersFile); err == nil {
		in.Answers, err = product.ParseAnswers(data)
		in.noteErr(bundle.AnswersFile, err)
	}
	// Live evidence recorded into the bundle at bundle time.
	for _, p := range []string{bundle.TranscriptFile, bundle.AttackFile} {
		if data, err := in.read(p); err == nil {
			in.Live[p] = data
		}
	}
	return in
}

func (in *Input) noteErr(path string, err error) {
	if err != nil {
		in.ParseErrs[path] = err
	}
}

func (in *Input) read(p string) ([]byte, error) { return in.readWith(p, (*bundle.Bundle).Read) }

// readWith reads bundle item p with read, once p is known to be there and
// verified.
func (in *Input) readWith(p string, read func(*bundle.Bundle, string) ([]byte, error)) ([]byte, error) {
	if in.Bundle == nil {
		return nil, fmt.Errorf("%s: no bundle", p)
	}
	if !in.Bundle.Has(p) {
		if in.Bundle.Index != nil {
			if _, listed := in.Bundle.Index.Item(p); listed {
				return nil, fmt.Errorf("%s: failed verification", p)
			}
		}
		return nil, fmt.Errorf("%s: not in the bundle", p)
	}
	return read(in.Bundle, p)
}

// readShared is Read without a copy: for decoders, which do not modify
// their input (see bundle.ReadShared).
func (in *Input) readShared(p string) ([]byte, error) {
	if b, ok := in.Live[p]; ok {
		return b, nil
	}
	return in.readWith(p, (*bundle.Bundle).ReadShared)
}

// Read returns verified evidence: live evidence first, then bundle items.
func (in *Input) Read(p string) ([]byte, error) {
	if b, ok := in.Live[p]; ok {
		return b, nil
	}
	return in.read(p)
}

// Has reports whether verified evidence exists at p.
func (in *Input) Has(p string) bool {
	if _, ok := in.Live[p]; ok {
		return true
	}
	return in.Bundle != nil && in.Bundle.Has(p)
}

// Ref returns the hash-pinned reference to evidence at p.
func (in *Input) Ref(p string) (EvidenceRef, bool) {
	if _, ok := in.Live[p]; ok {
		return EvidenceRef{Path: p}, true // path only: see bundle.PathOnly
	}
	if in.Bundle == nil || in.Bundle.Index == nil || in.Bundle.Bad(p) {
		return EvidenceRef{}, false
	}
	it, ok := in.Bundle.Index.Item(p)
	if !ok {
		return EvidenceRef{}, false
	}
	if bundle.PathOnly(it.Path, it.Role) {
		return EvidenceRef{Path: it.Path}, true
	}
	return EvidenceRef{Path: it.Path, SHA256: it.SHA256}, true
}

// Refs returns references for every path that exists, in order.
func (in *Input) Refs(paths ...string) []EvidenceRef {
	var out []EvidenceRef
	for _, p := range paths {
		if r, ok := in.Ref(p); ok {
			out = append(out, r)
		}
	}
	return out
}
