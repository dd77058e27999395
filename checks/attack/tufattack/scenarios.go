package tufattack

import (
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/evidence/repo"
)

// Roles a scenario may attack: the top-level metadata roles, and Target, the
// target file itself.
const (
	Root      = metadata.ROOT
	Timestamp = metadata.TIMESTAMP
	Snapshot  = metadata.SNAPSHOT
	Targets   = metadata.TARGETS
	Target    = "target"
)

func init2(f *Fix, base, attack *plan.State, baseWant, want []byte) *plan.Plan {
	return &plan.Plan{Baseline: base, Attack: attack, InitRoot: f.RootHist[0], BaseWant: baseWant, Want: want}
}

// start makes the keys and the baseline repository (version 1, file a).
func start(e *plan.Env, edit RootEdit) (*Fix, *plan.State, error) {
	f, err := NewFix(e.Ref, edit)
	if err != nil {
		return nil, nil, err
	}
	st, err := signed(e, f, 1, e.A, nil, Pub{})
	return f, st, err
}

// signed signs version v listing content; mut changes the repository first.
func signed(e *plan.Env, f *Fix, v int64, content []byte, mut func(r *repo.TUFRepo) error, p Pub) (*plan.State, error) {
	r, err := f.Repo(v, content)
	if err != nil {
		return nil, err
	}
	if mut != nil {
		if err := mut(r); err != nil {
			return nil, err
		}
	}
	files, err := Files(r, p)
	if err != nil {
		return nil, err
	}
	return plan.NewState(files), nil
}

// ValidUpdate serves a valid update (version 2, file B) after the baseline.
func ValidUpdate(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, nil)
	if err != nil {
		return nil, err
	}
	at, err := signed(e, f, 2, e.B, nil, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at, e.A, e.B), nil
}

// BadSignature serves targets metadata listing the attacker's file under a
// corrupted signature.
func BadSignature(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, nil)
	if err != nil {
		return nil, err
	}
	at, err := signed(e, f, 2, e.X, nil, Pub{After: map[string]func([]byte) ([]byte, error){metadata.TARGETS: CorruptTargetsSignature}})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/targets.json"], e.X), e.A, nil), nil
}

// UntrustedKey serves targets metadata signed by a key the root does not list.
func UntrustedKey(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, nil)
	if err != nil {
		return nil, err
	}
	rogue, err := NewKey()
	if err != nil {
		return nil, err
	}
	f.Keys[metadata.TARGETS] = []crypto.Signer{rogue}
	at, err := signed(e, f, 2, e.X, nil, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/targets.json"], e.X), e.A, nil), nil
}

// BelowThreshold signs targets metadata with one key where the root requires
// two.
func BelowThreshold(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, TwoTargetKeys)
	if err != nil {
		return nil, err
	}
	f.Keys[metadata.TARGETS] = f.Keys[metadata.TARGETS][:1]
	at, err := signed(e, f, 2, e.X, nil, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/targets.json"], e.X), e.A, nil), nil
}

// dupKeyID is a second key ID under which the root lists the first targets key.
var dupKeyID = hex.EncodeToString(func() []byte { h := sha256.Sum256([]byte("craudit duplicate key id")); return h[:] }())

// DuplicateKeys lists one targets key under two key IDs and repeats its
// signature under both.
func DuplicateKeys(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, func(f *Fix, r *metadata.Metadata[metadata.RootType]) error {
		if err := TwoTargetKeys(f, r); err != nil {
			return err
		}
		k1 := r.Signed.Roles[metadata.TARGETS].KeyIDs[0]
		r.Signed.Keys[dupKeyID] = r.Signed.Keys[k1]
		r.Signed.Roles[metadata.TARGETS].KeyIDs = append(r.Signed.Roles[metadata.TARGETS].KeyIDs, dupKeyID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.Keys[metadata.TARGETS] = f.Keys[metadata.TARGETS][:1]
	dup := func(b []byte) ([]byte, error) {
		m, err := parseTargets(b)
		if err != nil {
			return nil, err
		}
		if len(m.Signatures) != 1 {
			return nil, errors.New("duplicate keys: want one signature")
		}
		m.Signatures = append(m.Signatures, metadata.Signature{KeyID: dupKeyID, Signature: m.Signatures[0].Signature})
		return m.ToBytes(true)
	}
	at, err := signed(e, f, 2, e.X, nil, Pub{After: map[string]func([]byte) ([]byte, error){metadata.TARGETS: dup}})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/targets.json"], e.X), e.A, nil), nil
}

// v2Base: keys, and a baseline at version 2 (file b), for rollbacks.
func v2Base(e *plan.Env) (*Fix, *plan.State, error) {
	f, err := NewFix(e.Ref, nil)
	if err != nil {
		return nil, nil, err
	}
	st, err := signed(e, f, 2, e.B, nil, Pub{})
	return f, st, err
}

// RollbackTimestamp replays a validly signed older timestamp.
func RollbackTimestamp(e *plan.Env) (*plan.Plan, error) {
	f, base, err := v2Base(e)
	if err != nil {
		return nil, err
	}
	at, err := signed(e, f, 1, e.A, nil, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/timestamp.json"], e.A), e.B, nil), nil
}

// RollbackSnapshot serves a newer timestamp that names an older snapshot.
func RollbackSnapshot(e *plan.Env) (*plan.Plan, error) {
	f, base, err := v2Base(e)
	if err != nil {
		return nil, err
	}
	// The timestamp key holder (or a replay of its older records) names snapshot v1.
	at, err := signed(e, f, 1, e.A, func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 3; return nil }, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/snapshot.json"], e.A), e.B, nil), nil
}

// RollbackTargets serves a newer snapshot that names older targets metadata.
func RollbackTargets(e *plan.Env) (*plan.Plan, error) {
	f, base, err := v2Base(e)
	if err != nil {
		return nil, err
	}
	at, err := signed(e, f, 1, e.A, func(r *repo.TUFRepo) error {
		r.Snapshot.Signed.Version, r.Timestamp.Signed.Version = 3, 3
		return nil
	}, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/targets.json"], at.Files["metadata/snapshot.json"], e.A), e.B, nil), nil
}

// FastForward recovers from a fast-forwarded timestamp version by rotating the
// timestamp key (a valid update).
func FastForward(e *plan.Env) (*plan.Plan, error) {
	f, err := NewFix(e.Ref, nil)
	if err != nil {
		return nil, err
	}
	// A compromised timestamp key pushed version 1000; the client took it.
	base, err := signed(e, f, 2, e.A, func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 1000; return nil }, Pub{})
	if err != nil {
		return nil, err
	}
	// Recovery: root v2 replaces the timestamp key; versions start again.
	kt, err := NewKey()
	if err != nil {
		return nil, err
	}
	if _, err := f.Rotate(func(r *metadata.Metadata[metadata.RootType]) error { return SetRoleKey(r, metadata.TIMESTAMP, kt) }, f.Keys[metadata.ROOT]...); err != nil {
		return nil, err
	}
	f.Keys[metadata.TIMESTAMP] = []crypto.Signer{kt}
	at, err := signed(e, f, 3, e.B, func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 1; return nil }, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at, e.A, e.B), nil
}

// Freeze serves validly signed metadata of role that has expired.
func Freeze(role string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		past := e.Ref.Add(-time.Hour)
		if role == metadata.ROOT {
			if _, err := f.Rotate(func(r *metadata.Metadata[metadata.RootType]) error { r.Signed.Expires = past; return nil }, f.Keys[metadata.ROOT]...); err != nil {
				return nil, err
			}
		}
		// Expired metadata validly signed: a client may keep it (python-tuf keeps
		// an expired timestamp for rollback protection); it must not install.
		at, err := signed(e, f, 2, e.X, func(r *repo.TUFRepo) error {
			switch role {
			case metadata.TIMESTAMP:
				r.Timestamp.Signed.Expires = past
			case metadata.SNAPSHOT:
				r.Snapshot.Signed.Expires = past
			case metadata.TARGETS:
				r.Targets.Signed.Expires = past
			}
			return nil
		}, Pub{})
		if err != nil {
			return nil, err
		}
		return init2(f, base, at.Bad(e.X), e.A, nil), nil
	}
}

// FreezeLocalRoot lets the client's trusted root expire before the attack, with
// no newer root offered.
func FreezeLocalRoot(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, func(_ *Fix, r *metadata.Metadata[metadata.RootType]) error {
		r.Signed.Expires = e.Ref.Add(time.Hour)
		return nil
	})
	if err != nil {
		return nil, err
	}
	at, err := signed(e, f, 2, e.X, nil, Pub{})
	if err != nil {
		return nil, err
	}
	p := init2(f, base, at.Bad(e.X), e.A, nil)
	p.AttackAt = 2 * time.Hour
	return p, nil
}

// MixSnapshot serves, instead of the snapshot the timestamp describes,
// another validly signed snapshot: same version, other bytes (hash), or
// another version (the timestamp then records versions only).
func MixSnapshot(byVersion bool) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		p := Pub{Bare: byVersion}
		at, err := signed(e, f, 2, e.B, nil, p)
		if err != nil {
			return nil, err
		}
		v := int64(2)
		if byVersion {
			v = 3
		}
		other, err := signed(e, f, v, e.X, func(r *repo.TUFRepo) error { r.Targets.Signed.Version = 3; return nil }, p)
		if err != nil {
			return nil, err
		}
		snap := other.Files["metadata/snapshot.json"]
		replaceMeta(at.Files, metadata.SNAPSHOT, snap)
		at.Files["metadata/3.targets.json"] = other.Files["metadata/3.targets.json"]
		PutTarget(at.Files, plan.TargetName, e.X, nil)
		return init2(f, base, at.Bad(snap, other.Files["metadata/3.targets.json"], e.X), e.A, nil), nil
	}
}

// MixTargets serves other validly signed targets metadata than the
// snapshot describes.
func MixTargets(byVersion bool) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		p := Pub{Bare: byVersion}
		at, err := signed(e, f, 2, e.B, nil, p)
		if err != nil {
			return nil, err
		}
		v := int64(2)
		if byVersion {
			v = 3
		}
		other, err := signed(e, f, v, e.X, nil, p)
		if err != nil {
			return nil, err
		}
		tg := other.Files["metadata/targets.json"]
		replaceMeta(at.Files, metadata.TARGETS, tg)
		PutTarget(at.Files, plan.TargetName, e.X, nil)
		return init2(f, base, at.Bad(tg, e.X), e.A, nil), nil
	}
}

// TargetSwap serves the target substituted, longer or shorter (how) than
// signed.
func TargetSwap(how string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		at, err := signed(e, f, 2, e.B, nil, Pub{})
		if err != nil {
			return nil, err
		}
		var y []byte
		switch how {
		case "substituted":
			y = e.X
		case "longer":
			y = append(append([]byte(nil), e.B...), "-- appended by the attacker --\n"...)
		case "shorter":
			y = append([]byte(nil), e.B[:len(e.B)/2]...)
		}
		replaceTarget(at.Files, plan.TargetName, y)
		return init2(f, base, at.Bad(y), e.A, nil), nil
	}
}

// UnknownHash lists the target with only a hash algorithm nobody implements.
func UnknownHash(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, nil)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(e.X)
	hashes := metadata.Hashes{"sha3-999-unknown": h[:]}
	at, err := signed(e, f, 2, e.X, func(r *repo.TUFRepo) error {
		tf := metadata.TargetFile()
		tf.Path, tf.Length, tf.Hashes = plan.TargetName, int64(len(e.X)), hashes
		r.Targets.Signed.Targets[plan.TargetName] = tf
		return nil
	}, Pub{})
	if err != nil {
		return nil, err
	}
	PutTarget(at.Files, plan.TargetName, e.X, hashes)
	return init2(f, base, at.Bad(e.X), e.A, nil), nil
}

// servedPaths lists where role (or Target) is served in st.
func servedPaths(st *plan.State, role string) []string {
	var out []string
	for k := range st.Files {
		switch role {
		case Target:
			if strings.HasPrefix(k, "targets/") && strings.HasSuffix(k, plan.TargetName) {
				out = append(out, k)
			}
		default:
			if k == "metadata/"+role+".json" || isVersioned(strings.TrimPrefix(k, "metadata/"), role+".json") && strings.HasPrefix(k, "metadata/") {
				out = append(out, k)
			}
		}
	}
	return out
}

// Endless serves role (or Target) as an endless stream.
func Endless(role string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		at, err := signed(e, f, 2, e.B, nil, Pub{})
		if err != nil {
			return nil, err
		}
		paths := servedPaths(at, role)
		if role == metadata.ROOT {
			paths = []string{"metadata/2.root.json"}
		}
		for _, p := range paths {
			at.Special[p] = plan.Special{Kind: plan.Endless}
		}
		return init2(f, base, at, e.A, nil), nil
	}
}

// Slow drips role (or Target) a byte at a time.
func Slow(role string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		at, err := signed(e, f, 2, e.B, nil, Pub{})
		if err != nil {
			return nil, err
		}
		for _, p := range servedPaths(at, role) {
			at.Special[p] = plan.Special{Kind: plan.Slow}
		}
		return init2(f, base, at, e.A, nil), nil
	}
}

// Rotation rotates the root and targets keys: "good" signed by old and new root
// keys, "old" by the new ones only, "new" by the old one only.
func Rotation(kind string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, base, err := start(e, nil)
		if err != nil {
			return nil, err
		}
		kr, err := NewKey()
		if err != nil {
			return nil, err
		}
		kt, err := NewKey()
		if err != nil {
			return nil, err
		}
		old := f.Keys[metadata.ROOT][0]
		signers := map[string][]crypto.Signer{"good": {old, kr}, "old": {kr}, "new": {old}}[kind]
		root2, err := f.Rotate(func(r *metadata.Metadata[metadata.RootType]) error {
			if err := SetRoleKey(r, metadata.ROOT, kr); err != nil {
				return err
			}
			return SetRoleKey(r, metadata.TARGETS, kt)
		}, signers...)
		if err != nil {
			return nil, err
		}
		f.Keys[metadata.ROOT] = []crypto.Signer{kr}
		f.Keys[metadata.TARGETS] = []crypto.Signer{kt}
		if kind == "good" {
			at, err := signed(e, f, 2, e.B, nil, Pub{})
			if err != nil {
				return nil, err
			}
			return init2(f, base, at, e.A, e.B), nil
		}
		at, err := signed(e, f, 2, e.X, nil, Pub{})
		if err != nil {
			return nil, err
		}
		return init2(f, base, at.Bad(root2, e.X), e.A, nil), nil
	}
}

// Traversal delegates the target to a role named "../../escape" (a valid
// update; nothing may land outside the client's folders).
func Traversal(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, nil)
	if err != nil {
		return nil, err
	}
	kd, err := NewKey()
	if err != nil {
		return nil, err
	}
	at, err := signed(e, f, 2, e.B, func(r *repo.TUFRepo) error {
		delete(r.Targets.Signed.Targets, plan.TargetName)
		const role = "../../escape"
		if err := r.Delegate(role, kd, []string{plan.TargetName}, false, e.Ref.Add(Expiry.Targets)); err != nil {
			return err
		}
		return r.AddTarget(role, plan.TargetName, e.B)
	}, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at, e.A, e.B), nil
}

// Terminating lists the attacker's file in a role after a terminating
// delegation.
func Terminating(e *plan.Env) (*plan.Plan, error) {
	f, base, err := start(e, nil)
	if err != nil {
		return nil, err
	}
	ka, err := NewKey()
	if err != nil {
		return nil, err
	}
	kb, err := NewKey()
	if err != nil {
		return nil, err
	}
	exp := e.Ref.Add(Expiry.Targets)
	at, err := signed(e, f, 2, e.X, func(r *repo.TUFRepo) error {
		delete(r.Targets.Signed.Targets, plan.TargetName)
		delete(r.Files, plan.TargetName)
		if err := r.Delegate("vendor", ka, []string{"firmware*"}, true, exp); err != nil {
			return err
		}
		if err := r.AddTarget("vendor", "firmware-notes.txt", []byte("notes\n")); err != nil {
			return err
		}
		if err := r.Delegate("intruder", kb, []string{"firmware*"}, false, exp); err != nil {
			return err
		}
		return r.AddTarget("intruder", plan.TargetName, e.X)
	}, Pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.Bad(at.Files["metadata/intruder.json"], e.X), e.A, nil), nil
}
