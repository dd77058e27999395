package primary

import (
	"fmt"
	"path"
	"strings"

	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

// metaName is a role's file name, versioned under consistent snapshots.
func (rp *repo) metaName(role string, version int64) string {
	if rp.root.ConsistentSnapshot && version > 0 {
		return fmt.Sprintf("%d.%s.json", version, role)
	}
	return role + ".json"
}

// updateTimestamp (TUF 5.4). Absent: nil, the absence as an *Error of
// ClassMissingMetadata (the caller decides what absence means).
func (rp *repo) updateTimestamp() (*Error, error) {
	data, e, fatal := rp.fetch("timestamp.json", "timestamp", rp.p.lim.Timestamp)
	if fatal != nil || e != nil {
		return e, fatal
	}
	m, e := rp.decode(data, "timestamp", "timestamp")
	if e != nil {
		return e, nil
	}
	ts, err := m.Timestamp()
	if err != nil {
		return rp.fail("timestamp-signature", transcript.ControlSignature, 5, "timestamp", 0, ClassMalformed, err), nil
	}
	if e := rp.signatures(m, "timestamp", ts.Version, rp.root.Keys, rp.root.Roles["timestamp"]); e != nil {
		return e, nil
	}
	if e := rp.notRolledBack("timestamp", ts.Version); e != nil {
		return e, nil
	}
	if e := rp.fresh("timestamp", ts.Common); e != nil {
		return e, nil
	}
	if _, ok := ts.Meta["snapshot.json"]; !ok {
		return rp.fail("timestamp-signature", transcript.ControlSignature, 5, "timestamp", ts.Version, ClassMalformed, fmt.Errorf("no snapshot.json entry")), nil
	}
	rp.timestamp = ts
	rp.trust("timestamp", ts.Version)
	return nil, nil
}

// updateSnapshot (TUF 5.5), against the timestamp's entry when there is
// a timestamp.
func (rp *repo) updateSnapshot() (*Error, error) {
	var want *uptane.MetaFile
	if rp.timestamp != nil {
		mf := rp.timestamp.Meta["snapshot.json"]
		want = &mf
	}
	v := int64(0)
	if want != nil {
		v = want.Version
	}
	data, e, fatal := rp.fetch(rp.metaName("snapshot", v), "snapshot", rp.p.lim.Snapshot)
	if fatal != nil || e != nil {
		return e, fatal
	}
	if want != nil {
		if err := checkMeta(data, *want); err != nil {
			return rp.fail("snapshot-integrity", transcript.ControlIntegrity, 5, "snapshot", 0, ClassMetadataHash, err), nil
		}
	}
	m, e := rp.decode(data, "snapshot", "snapshot")
	if e != nil {
		return e, nil
	}
	sn, err := m.Snapshot()
	if err != nil {
		return rp.fail("snapshot-signature", transcript.ControlSignature, 5, "snapshot", 0, ClassMalformed, err), nil
	}
	if e := rp.signatures(m, "snapshot", sn.Version, rp.root.Keys, rp.root.Roles["snapshot"]); e != nil {
		return e, nil
	}
	if want != nil && sn.Version != want.Version {
		return rp.fail("snapshot-rollback", transcript.ControlRollback, 5, "snapshot", sn.Version, ClassVersionMismatch,
			fmt.Errorf("version %d, the timestamp lists %d", sn.Version, want.Version)), nil
	}
	if e := rp.notRolledBack("snapshot", sn.Version); e != nil {
		return e, nil
	}
	if e := rp.fresh("snapshot", sn.Common); e != nil {
		return e, nil
	}
	rp.snapshot = sn
	rp.trust("snapshot", sn.Version)
	return nil, nil
}

// updateTargets (TUF 5.6) for the top-level targets role.
func (rp *repo) updateTargets() (*Error, error) {
	var want *uptane.MetaFile
	if rp.snapshot != nil {
		mf, ok := rp.snapshot.Meta["targets.json"]
		if !ok {
			return rp.fail("targets-rollback", transcript.ControlRollback, 5, "targets", 0, ClassVersionMismatch, fmt.Errorf("the snapshot lists no targets.json")), nil
		}
		want = &mf
	}
	v := int64(0)
	if want != nil {
		v = want.Version
	}
	data, e, fatal := rp.fetch(rp.metaName("targets", v), "targets", rp.p.lim.Targets)
	if fatal != nil || e != nil {
		return e, fatal
	}
	if want != nil {
		if err := checkMeta(data, *want); err != nil {
			return rp.fail("targets-integrity", transcript.ControlIntegrity, 5, "targets", 0, ClassMetadataHash, err), nil
		}
	}
	m, e := rp.decode(data, "targets", "targets")
	if e != nil {
		return e, nil
	}
	tg, err := m.Targets()
	if err != nil {
		return rp.fail("targets-signature", transcript.ControlSignature, 5, "targets", 0, classOf(err), err), nil
	}
	if e := rp.signatures(m, "targets", tg.Version, rp.root.Keys, rp.root.Roles["targets"]); e != nil {
		return e, nil
	}
	if want != nil && tg.Version != want.Version {
		return rp.fail("targets-rollback", transcript.ControlRollback, 5, "targets", tg.Version, ClassVersionMismatch,
			fmt.Errorf("version %d, the snapshot lists %d", tg.Version, want.Version)), nil
	}
	if e := rp.notRolledBack("targets", tg.Version); e != nil {
		return e, nil
	}
	if e := rp.fresh("targets", tg.Common); e != nil {
		return e, nil
	}
	rp.targets = tg
	rp.trust("targets", tg.Version)
	return nil, nil
}

// found is a target located through the delegation graph.
type found struct {
	file uptane.TargetFile
	role string
}

// lookup finds a target by preorder depth-first search of the delegations
// (TUF 5.6.7.2). A delegated role that cannot be trusted for its
// signatures, key IDs, threshold, version or absence fails the repository
// (*Error); one that is expired or differs from its snapshot entry is
// skipped, so its targets are not found.
func (rp *repo) lookup(name string) (*found, *Error, error) {
	type visit struct {
		role   string
		parent *uptane.Targets
		t      *uptane.Targets
	}
	stack := []visit{{role: "targets", t: rp.targets}}
	seen := map[string]bool{}
	for n := 0; len(stack) > 0 && n <= rp.p.lim.MaxDelegations; n++ {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[v.role] {
			continue
		}
		seen[v.role] = true
		t := v.t
		if t == nil {
			var e *Error
			var fatal error
			t, e, fatal = rp.delegation(v.role, v.parent)
			if fatal != nil || e != nil {
				return nil, e, fatal
			}
			if t == nil {
				continue
			}
		}
		if f, ok := t.Targets[name]; ok {
			return &found{file: f, role: v.role}, nil, nil
		}
		if t.Delegations == nil {
			continue
		}
		var children []visit
		for _, d := range t.Delegations.Roles {
			if !pathMatches(d.Paths, name) {
				continue
			}
			children = append(children, visit{role: d.Name, parent: t})
			if d.Terminating {
				stack = nil
				break
			}
		}
		for i := len(children) - 1; i >= 0; i-- {
			stack = append(stack, children[i])
		}
	}
	return nil, nil, nil
}

// delegation loads and verifies one delegated targets role (once per run).
func (rp *repo) delegation(role string, parent *uptane.Targets) (*uptane.Targets, *Error, error) {
	if rp.loaded[role] {
		return rp.delegated[role], nil, nil
	}
	rp.loaded[role] = true
	var dr *uptane.DelegatedRole
	for i := range parent.Delegations.Roles {
		if parent.Delegations.Roles[i].Name == role {
			dr = &parent.Delegations.Roles[i]
			break
		}
	}
	id := "delegation-" + role
	if strings.ContainsAny(role, "/\\") || role == "" || role == "." || role == ".." {
		return nil, rp.fail(id+"-signature", transcript.ControlSignature, 5, role, 0, ClassMalformed, fmt.Errorf("role name %q", role)), nil
	}
	var want *uptane.MetaFile
	if rp.snapshot != nil {
		mf, ok := rp.snapshot.Meta[role+".json"]
		if !ok {
			return nil, rp.fail(id+"-rollback", transcript.ControlRollback, 5, role, 0, ClassVersionMismatch, fmt.Errorf("the snapshot lists no %s.json", role)), nil
		}
		want = &mf
	}
	v := int64(0)
	if want != nil {
		v = want.Version
	}
	name := rp.metaName(role, v)
	data, e, fatal := rp.fetch("delegations/"+name, role, rp.p.lim.Targets)
	if e != nil && e.Class == ClassMissingMetadata {
		data, e, fatal = rp.fetch(name, role, rp.p.lim.Targets)
	}
	if fatal != nil {
		return nil, nil, fatal
	}
	if e != nil {
		if e.Class == ClassMissingMetadata {
			return nil, rp.fail(id+"-fetch", transcript.ControlIntegrity, 4, role, 0, ClassDelegationMissing, e.Err), nil
		}
		return nil, e, nil
	}
	if want != nil {
		if err := checkMeta(data, *want); err != nil {
			rp.skip(id+"-integrity", transcript.ControlIntegrity, role, "skipped, its targets are not trusted: "+err.Error())
			return nil, nil, nil
		}
	}
	m, e := rp.decode(data, role, "targets")
	if e != nil {
		return nil, e, nil
	}
	t, err := m.Targets()
	if err != nil {
		return nil, rp.fail(id+"-signature", transcript.ControlSignature, 5, role, 0, classOf(err), err), nil
	}
	if err := uptane.CheckKeyIDs(parent.Delegations.Keys); err != nil {
		return nil, rp.fail(id+"-signature", transcript.ControlSignature, 5, role, t.Version, ClassBadKeyID, err), nil
	}
	if e := rp.signatures(m, role, t.Version, parent.Delegations.Keys, uptane.Role{KeyIDs: dr.KeyIDs, Threshold: dr.Threshold}); e != nil {
		return nil, e, nil
	}
	if want != nil && t.Version != want.Version {
		return nil, rp.fail(id+"-rollback", transcript.ControlRollback, 5, role, t.Version, ClassVersionMismatch,
			fmt.Errorf("version %d, the snapshot lists %d", t.Version, want.Version)), nil
	}
	if !rp.p.ref.Before(t.Expires) {
		rp.skip(id+"-freshness", transcript.ControlFreshness, role, "skipped, its targets are not trusted: expired "+t.Expires.Format(uptane.TimeFormat))
		return nil, nil, nil
	}
	rp.delegated[role] = t
	return t, nil, nil
}

func (rp *repo) skip(id string, c transcript.Control, role, detail string) {
	rp.p.add(transcript.Step{ID: rp.name + "/" + id, Control: c, ENISAStep: 5, Verdict: transcript.Info, Role: role, Detail: detail})
}

// pathMatches: a delegation's path pattern matches segment by segment
// (shell patterns; "*" never crosses "/").
func pathMatches(patterns []string, name string) bool {
	ns := strings.Split(strings.TrimPrefix(name, "/"), "/")
	for _, p := range patterns {
		ps := strings.Split(strings.TrimPrefix(p, "/"), "/")
		if len(ps) != len(ns) {
			continue
		}
		ok := true
		for i := range ps {
			if m, err := path.Match(ps[i], ns[i]); err != nil || !m {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
