package primary

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

// repo is one repository's trusted state during a run.
type repo struct {
	p    *primary
	name string // "director", "image"
	src  Source
	root *uptane.Root
	// rootRaw is the trusted root's bytes (kept in the state).
	rootRaw []byte
	// top-level metadata trusted in this run
	timestamp *uptane.Timestamp
	snapshot  *uptane.Snapshot
	targets   *uptane.Targets
	// delegated roles loaded, by name (nil: skipped as expired or
	// mismatching its snapshot entry)
	delegated map[string]*uptane.Targets
	loaded    map[string]bool
}

var roleTitles = map[string]string{"root": "Root", "timestamp": "Timestamp", "snapshot": "Snapshot", "targets": "Targets"}

func roleTitle(role string) string {
	if t, ok := roleTitles[role]; ok {
		return t
	}
	return role
}

func (rp *repo) fail(id string, c transcript.Control, enisa int, role string, version int64, class Class, err error) *Error {
	e := &Error{Repo: rp.name, Role: role, Class: class, Control: c, Err: err}
	rp.p.add(transcript.Step{ID: rp.name + "/" + id, Control: c, ENISAStep: enisa, Verdict: transcript.Fail, Role: role, Version: version, Detail: e.Error()})
	return e
}

func (rp *repo) pass(id string, c transcript.Control, enisa int, role string, version int64, detail string) {
	rp.p.add(transcript.Step{ID: rp.name + "/" + id, Control: c, ENISAStep: enisa, Verdict: transcript.Pass, Role: role, Version: version, Detail: detail})
}

// fetch gets a metadata file; nil, nil when absent and optional.
func (rp *repo) fetch(name, role string, limit int64) ([]byte, *Error, error) {
	b, err := rp.src.Metadata(name, limit)
	if err == nil {
		return b, nil, nil
	}
	var fe *FatalError
	if errors.As(err, &fe) {
		return nil, nil, fe
	}
	if errors.Is(err, ErrNotFound) {
		return nil, &Error{Repo: rp.name, Role: role, Class: ClassMissingMetadata, Control: transcript.ControlIntegrity, Err: err}, nil
	}
	return nil, rp.fail(role+"-fetch", transcript.ControlTransport, 4, role, 0, ClassFetchFailure, err), nil
}

// decode reads a metadata file and checks its _type.
func (rp *repo) decode(data []byte, role, wantType string) (*uptane.Metadata, *Error) {
	m, err := uptane.Decode(data)
	if err != nil {
		return nil, rp.fail(role+"-signature", transcript.ControlSignature, 5, role, 0, ClassMalformed, err)
	}
	if m.Type != wantType {
		return nil, rp.fail(role+"-type", transcript.ControlRollback, 5, role, 0, ClassWrongType,
			fmt.Errorf("%w: _type %q where %s was expected", uptane.ErrWrongType, m.TypeRaw, roleTitle(wantType)))
	}
	return m, nil
}

// signatures checks a role's key IDs, threshold and signatures.
func (rp *repo) signatures(m *uptane.Metadata, role string, version int64, keys map[string]*uptane.Key, r uptane.Role) *Error {
	id := role + "-signature"
	sig := transcript.ControlSignature
	for _, kid := range r.KeyIDs {
		k, ok := keys[kid]
		if !ok {
			return rp.fail(id, sig, 5, role, version, ClassBadKeyID, fmt.Errorf("%w: role %s names key %s, which is not listed", uptane.ErrBadKeyID, role, kid))
		}
		if _, err := k.CheckID(kid); err != nil {
			return rp.fail(id, sig, 5, role, version, ClassBadKeyID, err)
		}
	}
	v, err := m.Verify(role, keys, r)
	switch {
	case errors.Is(err, uptane.ErrIllegalThreshold):
		return rp.fail(id, sig, 5, role, version, ClassIllegalThreshold, err)
	case v.Duplicates > 0:
		return rp.fail(id, sig, 5, role, version, ClassNonUniqueSignatures,
			fmt.Errorf("%w: %d signature(s) by a key that already signed", uptane.ErrNonUniqueSignatures, v.Duplicates))
	case err != nil:
		return rp.fail(id, sig, 5, role, version, ClassUnmetThreshold, err)
	}
	form := string(v.Form)
	if v.FormsIdentical {
		form = "both forms (identical bytes)"
	}
	rp.pass(id, sig, 5, role, version, fmt.Sprintf("%d of threshold %d valid signature(s) by distinct keys; canonical form %s", v.Valid, v.Threshold, form))
	return nil
}

func (rp *repo) fresh(role string, c uptane.Common) *Error {
	if !rp.p.ref.Before(c.Expires) {
		return rp.fail(role+"-freshness", transcript.ControlFreshness, 3, role, c.Version, ClassExpired,
			fmt.Errorf("expired %s (reference time %s)", c.Expires.Format(uptane.TimeFormat), rp.p.ref.Format(uptane.TimeFormat)))
	}
	rp.pass(role+"-freshness", transcript.ControlFreshness, 3, role, c.Version, "expires "+c.Expires.Format(uptane.TimeFormat))
	return nil
}

// notRolledBack compares with the version trusted in an earlier run.
func (rp *repo) notRolledBack(role string, v int64) *Error {
	key := rp.name + "/" + role
	if old, ok := rp.p.state.Versions[key]; ok && v < old {
		return rp.fail(role+"-rollback", transcript.ControlRollback, 5, role, v, ClassRollback, fmt.Errorf("version %d is lower than the trusted %d", v, old))
	}
	return nil
}

func (rp *repo) trust(role string, v int64) {
	rp.p.newState.Versions[rp.name+"/"+role] = v
	rp.p.out.Versions[rp.name+"/"+role] = v
}

// checkMeta verifies bytes against a snapshot or timestamp entry. TUF
// lists the length and hashes of the bytes served; the tuf-test-vectors
// and aktualizr list those of the whole document in a canonical form
// (sometimes the length of one and the hashes of the other). Each is
// accepted: a canonical form binds the same JSON content, and the
// signatures are checked over the content anyway.
func checkMeta(data []byte, mf uptane.MetaFile) error {
	forms := [][]byte{data}
	for _, f := range uptane.Forms {
		if c, err := uptane.Canonical(data, f); err == nil {
			forms = append(forms, c)
		}
	}
	if mf.Length > 0 {
		ok := false
		for _, b := range forms {
			ok = ok || int64(len(b)) == mf.Length
		}
		if !ok {
			return fmt.Errorf("%d bytes, listed as %d", len(data), mf.Length)
		}
	}
	err := checkHashes(data, mf.Hashes)
	for _, b := range forms[1:] {
		if err == nil {
			break
		}
		if checkHashes(b, mf.Hashes) == nil {
			err = nil
		}
	}
	return err
}

func checkHashes(data []byte, h uptane.Hashes) error {
	for alg, want := range h {
		var got []byte
		switch alg {
		case "sha256":
			s := sha256.Sum256(data)
			got = s[:]
		case "sha512":
			s := sha512.Sum512(data)
			got = s[:]
		default:
			continue
		}
		w, err := hex.DecodeString(strings.ToLower(want))
		if err != nil || !bytes.Equal(got, w) {
			return fmt.Errorf("%s %s, listed as %s", alg, hex.EncodeToString(got), want)
		}
	}
	return nil
}

// loadAnchor verifies the trusted root: type, key IDs and its own
// threshold of signatures. Its expiry is judged after the chain.
func (rp *repo) loadAnchor(data []byte, from string) *Error {
	m, e := rp.decode(data, "root", "root")
	if e != nil {
		return e
	}
	r, err := m.Root()
	if err != nil {
		return rp.fail("root-signature", transcript.ControlSignature, 5, "root", 0, classOf(err), err)
	}
	if err := uptane.CheckKeyIDs(r.Keys); err != nil {
		return rp.fail("root-signature", transcript.ControlSignature, 5, "root", r.Version, ClassBadKeyID, err)
	}
	if e := rp.signatures(m, "root", r.Version, r.Keys, r.Roles["root"]); e != nil {
		return e
	}
	rp.root, rp.rootRaw = r, data
	rp.p.add(transcript.Step{ID: rp.name + "/root-trusted", Control: transcript.ControlSignature, ENISAStep: 5, Verdict: transcript.Info, Role: "root", Version: r.Version,
		Detail: "trusted root loaded from the " + from})
	return nil
}

func classOf(err error) Class {
	switch {
	case errors.Is(err, uptane.ErrBadKeyID):
		return ClassBadKeyID
	case errors.Is(err, uptane.ErrWrongType):
		return ClassWrongType
	}
	return ClassMalformed
}

// updateRoot walks the root chain (TUF 5.3): N+1.root.json until absent,
// each signed by the trusted root's threshold and its own, with version
// N+1; then judges the last root's expiry.
func (rp *repo) updateRoot() (*Error, error) {
	lim := rp.p.lim
	for i := 0; i < lim.MaxRootRotations; i++ {
		next := rp.root.Version + 1
		data, miss, fatal := rp.fetch(fmt.Sprintf("%d.root.json", next), "root", lim.Root)
		if fatal != nil {
			return nil, fatal
		}
		if miss != nil {
			if miss.Class == ClassMissingMetadata {
				break
			}
			return miss, nil
		}
		m, e := rp.decode(data, "root", "root")
		if e != nil {
			return e, nil
		}
		r, err := m.Root()
		if err != nil {
			return rp.fail("root-rotation", transcript.ControlSignature, 5, "root", next, classOf(err), err), nil
		}
		if err := uptane.CheckKeyIDs(r.Keys); err != nil {
			return rp.fail("root-rotation", transcript.ControlSignature, 5, "root", r.Version, ClassBadKeyID, err), nil
		}
		// Signed by the trusted root's root role, then by its own.
		if e := rp.signatures(m, "root", r.Version, rp.root.Keys, rp.root.Roles["root"]); e != nil {
			return e, nil
		}
		if e := rp.signatures(m, "root", r.Version, r.Keys, r.Roles["root"]); e != nil {
			return e, nil
		}
		if r.Version != next {
			return rp.fail("root-rotation", transcript.ControlRollback, 5, "root", r.Version, ClassRootRotation,
				fmt.Errorf("%d.root.json holds version %d", next, r.Version)), nil
		}
		old := rp.root
		rp.root, rp.rootRaw = r, data
		rp.pass("root-rotation", transcript.ControlRollback, 5, "root", r.Version, fmt.Sprintf("rotated from version %d", old.Version))
		// A rotated timestamp or snapshot key discards what they signed
		// (fast-forward recovery, TUF 5.3.11).
		for _, role := range []string{"timestamp", "snapshot"} {
			if !sameKeys(old.Roles[role], r.Roles[role]) {
				delete(rp.p.newState.Versions, rp.name+"/"+role)
				delete(rp.p.state.Versions, rp.name+"/"+role)
				if role == "snapshot" {
					delete(rp.p.state.Versions, rp.name+"/targets")
					delete(rp.p.newState.Versions, rp.name+"/targets")
				}
			}
		}
	}
	if e := rp.fresh("root", rp.root.Common); e != nil {
		return e, nil
	}
	rp.trust("root", rp.root.Version)
	return nil, nil
}

func sameKeys(a, b uptane.Role) bool {
	if len(a.KeyIDs) != len(b.KeyIDs) {
		return false
	}
	m := map[string]bool{}
	for _, k := range a.KeyIDs {
		m[k] = true
	}
	for _, k := range b.KeyIDs {
		if !m[k] {
			return false
		}
	}
	return true
}
