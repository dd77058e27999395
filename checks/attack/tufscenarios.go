package attack

import (
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/evidence/repo"

	"github.com/craudit/craudit/evidence/attackrun"
)

type rootEdit = func(f *tufFix, r *metadata.Metadata[metadata.RootType]) error

// tufScenarios is the TUF profile's catalogue. Mirrors names the attack of
// the TUF specification and the python-tuf / tuf-conformance test it follows.
func tufScenarios() []Scenario {
	return withProfile(ProfileTUF, []Scenario{
		{ID: "attack/tuf-valid-update", Title: "A valid update is installed", Step: 5, Control: CtlUpdate, Expect: attackrun.Accept,
			Mirrors: "baseline update (tuf-conformance init, refresh and download)", build: tufValidUpdate},
		{ID: "attack/tuf-arbitrary-software-bad-signature", Title: "Targets metadata listing the attacker's file with a broken signature", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "TUF arbitrary software attack: signature that does not verify (spec 5.6.3)", build: tufBadSignature},
		{ID: "attack/tuf-arbitrary-software-untrusted-key", Title: "Targets metadata signed by a key the root does not trust", Step: 5, Control: CtlSignature, Expect: attackrun.Reject,
			Mirrors: "TUF arbitrary software attack: signer not among the role's keys (spec 5.6.3)", build: tufUntrustedKey},
		{ID: "attack/tuf-arbitrary-software-below-threshold", Title: "Targets metadata signed by one key where the root requires two", Step: 5, Control: CtlThreshold, Expect: attackrun.Reject,
			Mirrors: "TUF vulnerability to key compromise: fewer keys than the threshold (spec 5.6.3)", build: tufBelowThreshold},
		{ID: "attack/tuf-arbitrary-software-duplicate-keys", Title: "One key listed under two key IDs, its signature counted twice", Step: 5, Control: CtlThreshold, Expect: attackrun.Reject,
			Mirrors: "TUF threshold: one key counted twice under two key IDs (python-tuf and go-tuf count distinct keys)", build: tufDuplicateKeys},
		{ID: "attack/tuf-rollback-timestamp", Title: "An older, validly signed timestamp is replayed", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "TUF rollback attack (tuf-conformance test_new_timestamp_version_rollback; spec 5.4.3)", build: tufRollbackTimestamp},
		{ID: "attack/tuf-rollback-snapshot", Title: "A new timestamp points at an older snapshot", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "TUF rollback attack on the snapshot (spec 5.4.3: snapshot version in the timestamp must not decrease)", build: tufRollbackSnapshot},
		{ID: "attack/tuf-rollback-targets", Title: "A new snapshot lists an older targets version", Step: 3, Control: CtlRollback, Expect: attackrun.Reject,
			Mirrors: "TUF rollback attack on targets (spec 5.5.5)", build: tufRollbackTargets},
		{ID: "attack/tuf-fast-forward-recovery", Title: "After a timestamp key rotation the client recovers from a fast-forwarded version", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Accept,
			Mirrors: "TUF fast-forward attack recovery after key rotation (spec 5.3.11)", build: tufFastForward},
		{ID: "attack/tuf-freeze-timestamp", Title: "The timestamp has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack (spec 5.4.4)", build: tufFreeze(metadata.TIMESTAMP)},
		{ID: "attack/tuf-freeze-snapshot", Title: "The snapshot has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack (spec 5.5.6)", build: tufFreeze(metadata.SNAPSHOT)},
		{ID: "attack/tuf-freeze-targets", Title: "The targets metadata has expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack (spec 5.6.5)", build: tufFreeze(metadata.TARGETS)},
		{ID: "attack/tuf-freeze-root", Title: "A new root is served that has already expired", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack on root (spec 5.3.10)", build: tufFreeze(metadata.ROOT)},
		{ID: "attack/tuf-freeze-local-root", Title: "The client's trusted root expired and no newer root is offered", Step: 3, Control: CtlFreshness, Expect: attackrun.Reject,
			Mirrors: "TUF indefinite freeze attack on the trusted root (spec 5.3.10)", build: tufFreezeLocalRoot},
		{ID: "attack/tuf-mix-and-match-snapshot-hash", Title: "The snapshot served differs from the one the timestamp hashes", Step: 3, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: snapshot hash (spec 5.5.2)", build: tufMixSnapshot(false)},
		{ID: "attack/tuf-mix-and-match-snapshot-version", Title: "The snapshot served has another version than the timestamp names", Step: 3, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: snapshot version (spec 5.5.4)", build: tufMixSnapshot(true)},
		{ID: "attack/tuf-mix-and-match-targets-hash", Title: "The targets metadata served differs from the one the snapshot hashes", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: targets hash (spec 5.6.2)", build: tufMixTargets(false)},
		{ID: "attack/tuf-mix-and-match-targets-version", Title: "The targets metadata served has another version than the snapshot names", Step: 5, Control: CtlConsistency, Expect: attackrun.Reject,
			Mirrors: "TUF mix-and-match attack: targets version (spec 5.6.4)", build: tufMixTargets(true)},
		{ID: "attack/tuf-target-substituted", Title: "The target file is replaced by one of the same length", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF arbitrary software attack on the target file (spec 5.7)", build: tufTargetSwap("substituted")},
		{ID: "attack/tuf-target-longer", Title: "The target file is served with extra bytes appended", Step: 4, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF endless data attack: more bytes than the signed length (spec 5.7)", build: tufTargetSwap("longer")},
		{ID: "attack/tuf-target-shorter", Title: "The target file is served truncated", Step: 4, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF target integrity: fewer bytes than the signed length (spec 5.7)", build: tufTargetSwap("shorter")},
		{ID: "attack/tuf-target-unknown-hash-algorithm", Title: "The target is listed only with a hash algorithm nobody implements", Step: 5, Control: CtlIntegrity, Expect: attackrun.Reject,
			Mirrors: "TUF target integrity: an unverifiable hash must not pass (go-tuf and python-tuf refuse unknown algorithms)", build: tufUnknownHash},
		{ID: "attack/tuf-endless-data-root", Title: "The next root version is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on root (bounded root size)", build: tufEndless(metadata.ROOT)},
		{ID: "attack/tuf-endless-data-timestamp", Title: "timestamp.json is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on timestamp (bounded timestamp size)", build: tufEndless(metadata.TIMESTAMP)},
		{ID: "attack/tuf-endless-data-snapshot", Title: "The snapshot is an endless stream", Step: 3, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on snapshot (length from the timestamp)", build: tufEndless(metadata.SNAPSHOT)},
		{ID: "attack/tuf-endless-data-targets", Title: "The targets metadata is an endless stream", Step: 5, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on targets (length from the snapshot)", build: tufEndless(metadata.TARGETS)},
		{ID: "attack/tuf-endless-data-target", Title: "The target file is an endless stream", Step: 4, Control: CtlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF endless data attack on a target (length from signed metadata)", build: tufEndless("target")},
		{ID: "attack/tuf-slow-retrieval-timestamp", Title: "timestamp.json is dripped a byte at a time", Step: 3, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF slow retrieval attack", build: tufSlow(metadata.TIMESTAMP)},
		{ID: "attack/tuf-slow-retrieval-target", Title: "The target file is dripped a byte at a time", Step: 4, Control: CtlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "TUF slow retrieval attack", build: tufSlow("target")},
		{ID: "attack/tuf-root-rotation", Title: "Root rotates its own and the targets key, signed by old and new root keys", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Accept,
			Mirrors: "TUF root rotation (spec 5.3.4-5.3.5: thresholds of the old and the new root)", build: tufRotation("good")},
		{ID: "attack/tuf-root-rotation-old-threshold-missing", Title: "A new root signed by its new keys only", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Reject,
			Mirrors: "TUF root rotation: previous root's threshold not reached (spec 5.3.4)", build: tufRotation("old")},
		{ID: "attack/tuf-root-rotation-new-threshold-missing", Title: "A new root signed by the old root key only", Step: 3, Control: CtlKeyRotation, Expect: attackrun.Reject,
			Mirrors: "TUF root rotation: new root's own threshold not reached (spec 5.3.5)", build: tufRotation("new")},
		{ID: "attack/tuf-delegation-path-traversal", Title: "A delegated role named ../../escape: the update installs, nothing lands outside the client's folders", Step: 5, Control: CtlDelegation, Expect: attackrun.Accept,
			Mirrors: "path traversal through a delegated role name (file names from untrusted metadata)", build: tufTraversal},
		{ID: "attack/tuf-delegation-terminating", Title: "A role after a terminating delegation lists the attacker's file", Step: 5, Control: CtlDelegation, Expect: attackrun.Reject,
			Mirrors: "TUF delegation: a terminating delegation ends the search (spec 5.6.7)", build: tufTerminating},
	})
}

func init2(f *tufFix, base, attack *state, baseWant, want []byte) *plan {
	return &plan{baseline: base, attack: attack, initRoot: f.rootHist[0], baseWant: baseWant, want: want}
}

// tufStart makes the keys and the baseline repository (version 1, file a).
func (e *env) tufStart(edit rootEdit) (*tufFix, *state, error) {
	f, err := newTUFFix(e.ref, edit)
	if err != nil {
		return nil, nil, err
	}
	st, err := e.tufState(f, 1, e.a, nil, pub{})
	return f, st, err
}

// tufState signs version v listing content; mut changes the repository first.
func (e *env) tufState(f *tufFix, v int64, content []byte, mut func(r *repo.TUFRepo) error, p pub) (*state, error) {
	r, err := f.repo(v, content)
	if err != nil {
		return nil, err
	}
	if mut != nil {
		if err := mut(r); err != nil {
			return nil, err
		}
	}
	files, err := f.files(r, p)
	if err != nil {
		return nil, err
	}
	return newState(files), nil
}

func tufValidUpdate(e *env) (*plan, error) {
	f, base, err := e.tufStart(nil)
	if err != nil {
		return nil, err
	}
	at, err := e.tufState(f, 2, e.b, nil, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at, e.a, e.b), nil
}

func tufBadSignature(e *env) (*plan, error) {
	f, base, err := e.tufStart(nil)
	if err != nil {
		return nil, err
	}
	corrupt := func(b []byte) ([]byte, error) {
		m, err := parseTargets(b)
		if err != nil {
			return nil, err
		}
		s := append([]byte(nil), m.Signatures[0].Signature...)
		s[len(s)/2] ^= 0x55
		m.Signatures[0].Signature = s
		return m.ToBytes(true)
	}
	at, err := e.tufState(f, 2, e.x, nil, pub{after: map[string]func([]byte) ([]byte, error){metadata.TARGETS: corrupt}})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/targets.json"], e.x), e.a, nil), nil
}

func tufUntrustedKey(e *env) (*plan, error) {
	f, base, err := e.tufStart(nil)
	if err != nil {
		return nil, err
	}
	rogue, err := newKey()
	if err != nil {
		return nil, err
	}
	f.keys[metadata.TARGETS] = []crypto.Signer{rogue}
	at, err := e.tufState(f, 2, e.x, nil, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/targets.json"], e.x), e.a, nil), nil
}

// twoTargetKeys makes the targets role need two signatures.
func twoTargetKeys(f *tufFix, r *metadata.Metadata[metadata.RootType]) error {
	k2, err := newKey()
	if err != nil {
		return err
	}
	tk, err := metadata.KeyFromPublicKey(k2.Public())
	if err != nil {
		return err
	}
	if err := r.Signed.AddKey(tk, metadata.TARGETS); err != nil {
		return err
	}
	r.Signed.Roles[metadata.TARGETS].Threshold = 2
	f.keys[metadata.TARGETS] = append(f.keys[metadata.TARGETS], k2)
	return nil
}

func tufBelowThreshold(e *env) (*plan, error) {
	f, base, err := e.tufStart(twoTargetKeys)
	if err != nil {
		return nil, err
	}
	f.keys[metadata.TARGETS] = f.keys[metadata.TARGETS][:1]
	at, err := e.tufState(f, 2, e.x, nil, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/targets.json"], e.x), e.a, nil), nil
}

// dupKeyID is a second key ID under which the root lists the first targets key.
var dupKeyID = hex.EncodeToString(func() []byte { h := sha256.Sum256([]byte("craudit duplicate key id")); return h[:] }())

func tufDuplicateKeys(e *env) (*plan, error) {
	f, base, err := e.tufStart(func(f *tufFix, r *metadata.Metadata[metadata.RootType]) error {
		if err := twoTargetKeys(f, r); err != nil {
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
	f.keys[metadata.TARGETS] = f.keys[metadata.TARGETS][:1]
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
	at, err := e.tufState(f, 2, e.x, nil, pub{after: map[string]func([]byte) ([]byte, error){metadata.TARGETS: dup}})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/targets.json"], e.x), e.a, nil), nil
}

// tufV2Base: keys, and a baseline at version 2 (file b), for rollbacks.
func (e *env) tufV2Base() (*tufFix, *state, error) {
	f, err := newTUFFix(e.ref, nil)
	if err != nil {
		return nil, nil, err
	}
	st, err := e.tufState(f, 2, e.b, nil, pub{})
	return f, st, err
}

func tufRollbackTimestamp(e *env) (*plan, error) {
	f, base, err := e.tufV2Base()
	if err != nil {
		return nil, err
	}
	at, err := e.tufState(f, 1, e.a, nil, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/timestamp.json"], e.a), e.b, nil), nil
}

func tufRollbackSnapshot(e *env) (*plan, error) {
	f, base, err := e.tufV2Base()
	if err != nil {
		return nil, err
	}
	// The timestamp key holder (or a replay of its older records) names snapshot v1.
	at, err := e.tufState(f, 1, e.a, func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 3; return nil }, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/snapshot.json"], e.a), e.b, nil), nil
}

func tufRollbackTargets(e *env) (*plan, error) {
	f, base, err := e.tufV2Base()
	if err != nil {
		return nil, err
	}
	at, err := e.tufState(f, 1, e.a, func(r *repo.TUFRepo) error {
		r.Snapshot.Signed.Version, r.Timestamp.Signed.Version = 3, 3
		return nil
	}, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/targets.json"], at.files["metadata/snapshot.json"], e.a), e.b, nil), nil
}

func tufFastForward(e *env) (*plan, error) {
	f, err := newTUFFix(e.ref, nil)
	if err != nil {
		return nil, err
	}
	// A compromised timestamp key pushed version 1000; the client took it.
	base, err := e.tufState(f, 2, e.a, func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 1000; return nil }, pub{})
	if err != nil {
		return nil, err
	}
	// Recovery: root v2 replaces the timestamp key; versions start again.
	kt, err := newKey()
	if err != nil {
		return nil, err
	}
	if _, err := f.rotate(func(r *metadata.Metadata[metadata.RootType]) error { return setRoleKey(r, metadata.TIMESTAMP, kt) }, f.keys[metadata.ROOT]...); err != nil {
		return nil, err
	}
	f.keys[metadata.TIMESTAMP] = []crypto.Signer{kt}
	at, err := e.tufState(f, 3, e.b, func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 1; return nil }, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at, e.a, e.b), nil
}

func tufFreeze(role string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		past := e.ref.Add(-time.Hour)
		if role == metadata.ROOT {
			if _, err := f.rotate(func(r *metadata.Metadata[metadata.RootType]) error { r.Signed.Expires = past; return nil }, f.keys[metadata.ROOT]...); err != nil {
				return nil, err
			}
		}
		// Expired metadata validly signed: a client may keep it (python-tuf keeps
		// an expired timestamp for rollback protection); it must not install.
		at, err := e.tufState(f, 2, e.x, func(r *repo.TUFRepo) error {
			switch role {
			case metadata.TIMESTAMP:
				r.Timestamp.Signed.Expires = past
			case metadata.SNAPSHOT:
				r.Snapshot.Signed.Expires = past
			case metadata.TARGETS:
				r.Targets.Signed.Expires = past
			}
			return nil
		}, pub{})
		if err != nil {
			return nil, err
		}
		return init2(f, base, at.bad(e.x), e.a, nil), nil
	}
}

func tufFreezeLocalRoot(e *env) (*plan, error) {
	f, base, err := e.tufStart(func(_ *tufFix, r *metadata.Metadata[metadata.RootType]) error {
		r.Signed.Expires = e.ref.Add(time.Hour)
		return nil
	})
	if err != nil {
		return nil, err
	}
	at, err := e.tufState(f, 2, e.x, nil, pub{})
	if err != nil {
		return nil, err
	}
	p := init2(f, base, at.bad(e.x), e.a, nil)
	p.attackAt = 2 * time.Hour
	return p, nil
}

// tufMixSnapshot serves, instead of the snapshot the timestamp describes,
// another validly signed snapshot: same version, other bytes (hash), or
// another version (the timestamp then records versions only).
func tufMixSnapshot(byVersion bool) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		p := pub{bare: byVersion}
		at, err := e.tufState(f, 2, e.b, nil, p)
		if err != nil {
			return nil, err
		}
		v := int64(2)
		if byVersion {
			v = 3
		}
		other, err := e.tufState(f, v, e.x, func(r *repo.TUFRepo) error { r.Targets.Signed.Version = 3; return nil }, p)
		if err != nil {
			return nil, err
		}
		snap := other.files["metadata/snapshot.json"]
		replaceMeta(at.files, metadata.SNAPSHOT, snap)
		at.files["metadata/3.targets.json"] = other.files["metadata/3.targets.json"]
		putTarget(at.files, targetName, e.x, nil)
		return init2(f, base, at.bad(snap, other.files["metadata/3.targets.json"], e.x), e.a, nil), nil
	}
}

// tufMixTargets serves other validly signed targets metadata than the
// snapshot describes.
func tufMixTargets(byVersion bool) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		p := pub{bare: byVersion}
		at, err := e.tufState(f, 2, e.b, nil, p)
		if err != nil {
			return nil, err
		}
		v := int64(2)
		if byVersion {
			v = 3
		}
		other, err := e.tufState(f, v, e.x, nil, p)
		if err != nil {
			return nil, err
		}
		tg := other.files["metadata/targets.json"]
		replaceMeta(at.files, metadata.TARGETS, tg)
		putTarget(at.files, targetName, e.x, nil)
		return init2(f, base, at.bad(tg, e.x), e.a, nil), nil
	}
}

func tufTargetSwap(how string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		at, err := e.tufState(f, 2, e.b, nil, pub{})
		if err != nil {
			return nil, err
		}
		var y []byte
		switch how {
		case "substituted":
			y = e.x
		case "longer":
			y = append(append([]byte(nil), e.b...), "-- appended by the attacker --\n"...)
		case "shorter":
			y = append([]byte(nil), e.b[:len(e.b)/2]...)
		}
		replaceTarget(at.files, targetName, y)
		return init2(f, base, at.bad(y), e.a, nil), nil
	}
}

func tufUnknownHash(e *env) (*plan, error) {
	f, base, err := e.tufStart(nil)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(e.x)
	hashes := metadata.Hashes{"sha3-999-unknown": h[:]}
	at, err := e.tufState(f, 2, e.x, func(r *repo.TUFRepo) error {
		tf := metadata.TargetFile()
		tf.Path, tf.Length, tf.Hashes = targetName, int64(len(e.x)), hashes
		r.Targets.Signed.Targets[targetName] = tf
		return nil
	}, pub{})
	if err != nil {
		return nil, err
	}
	putTarget(at.files, targetName, e.x, hashes)
	return init2(f, base, at.bad(e.x), e.a, nil), nil
}

// paths where role (or "target") is served in st.
func servedPaths(st *state, role string) []string {
	var out []string
	for k := range st.files {
		switch role {
		case "target":
			if strings.HasPrefix(k, "targets/") && strings.HasSuffix(k, targetName) {
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

func tufEndless(role string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		at, err := e.tufState(f, 2, e.b, nil, pub{})
		if err != nil {
			return nil, err
		}
		paths := servedPaths(at, role)
		if role == metadata.ROOT {
			paths = []string{"metadata/2.root.json"}
		}
		for _, p := range paths {
			at.special[p] = special{kind: "endless"}
		}
		return init2(f, base, at, e.a, nil), nil
	}
}

func tufSlow(role string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		at, err := e.tufState(f, 2, e.b, nil, pub{})
		if err != nil {
			return nil, err
		}
		for _, p := range servedPaths(at, role) {
			at.special[p] = special{kind: "slow"}
		}
		return init2(f, base, at, e.a, nil), nil
	}
}

func tufRotation(kind string) func(e *env) (*plan, error) {
	return func(e *env) (*plan, error) {
		f, base, err := e.tufStart(nil)
		if err != nil {
			return nil, err
		}
		kr, err := newKey()
		if err != nil {
			return nil, err
		}
		kt, err := newKey()
		if err != nil {
			return nil, err
		}
		old := f.keys[metadata.ROOT][0]
		signers := map[string][]crypto.Signer{"good": {old, kr}, "old": {kr}, "new": {old}}[kind]
		root2, err := f.rotate(func(r *metadata.Metadata[metadata.RootType]) error {
			if err := setRoleKey(r, metadata.ROOT, kr); err != nil {
				return err
			}
			return setRoleKey(r, metadata.TARGETS, kt)
		}, signers...)
		if err != nil {
			return nil, err
		}
		f.keys[metadata.ROOT] = []crypto.Signer{kr}
		f.keys[metadata.TARGETS] = []crypto.Signer{kt}
		if kind == "good" {
			at, err := e.tufState(f, 2, e.b, nil, pub{})
			if err != nil {
				return nil, err
			}
			return init2(f, base, at, e.a, e.b), nil
		}
		at, err := e.tufState(f, 2, e.x, nil, pub{})
		if err != nil {
			return nil, err
		}
		return init2(f, base, at.bad(root2, e.x), e.a, nil), nil
	}
}

func tufTraversal(e *env) (*plan, error) {
	f, base, err := e.tufStart(nil)
	if err != nil {
		return nil, err
	}
	kd, err := newKey()
	if err != nil {
		return nil, err
	}
	at, err := e.tufState(f, 2, e.b, func(r *repo.TUFRepo) error {
		delete(r.Targets.Signed.Targets, targetName)
		const role = "../../escape"
		if err := r.Delegate(role, kd, []string{targetName}, false, e.ref.Add(tufExpiry.Targets)); err != nil {
			return err
		}
		return r.AddTarget(role, targetName, e.b)
	}, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at, e.a, e.b), nil
}

func tufTerminating(e *env) (*plan, error) {
	f, base, err := e.tufStart(nil)
	if err != nil {
		return nil, err
	}
	ka, err := newKey()
	if err != nil {
		return nil, err
	}
	kb, err := newKey()
	if err != nil {
		return nil, err
	}
	exp := e.ref.Add(tufExpiry.Targets)
	at, err := e.tufState(f, 2, e.x, func(r *repo.TUFRepo) error {
		delete(r.Targets.Signed.Targets, targetName)
		delete(r.Files, targetName)
		if err := r.Delegate("vendor", ka, []string{"firmware*"}, true, exp); err != nil {
			return err
		}
		if err := r.AddTarget("vendor", "firmware-notes.txt", []byte("notes\n")); err != nil {
			return err
		}
		if err := r.Delegate("intruder", kb, []string{"firmware*"}, false, exp); err != nil {
			return err
		}
		return r.AddTarget("intruder", targetName, e.x)
	}, pub{})
	if err != nil {
		return nil, err
	}
	return init2(f, base, at.bad(at.files["metadata/intruder.json"], e.x), e.a, nil), nil
}
