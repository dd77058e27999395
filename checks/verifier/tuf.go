package verifier

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/theupdateframework/go-tuf/v2/metadata"
	"github.com/theupdateframework/go-tuf/v2/metadata/trustedmetadata"

	"github.com/craudit/craudit/evidence/transcript"
)

// tufRun is the TUF client workflow (specification section 5) with a
// transcript step for every decision; trustedmetadata enforces the rules.
type tufRun struct {
	*run
	tm       *trustedmetadata.TrustedMetadata
	metaURL  string
	targsURL string
	// via records, per delegated role, the delegators whose keys it has
	// been verified against in this run. trustedmetadata keeps one copy of
	// a role by name; a role reached again through another delegator (a
	// "diamond") is re-checked against that delegator's keys and threshold
	// before it is used, never trusted because an earlier path vouched for it.
	via map[string]map[string]bool
}

func (r *run) tuf(trust []byte) error {
	tr := &tufRun{run: r, metaURL: r.o.MetadataURL, targsURL: r.o.TargetsURL, via: map[string]map[string]bool{}}
	if tr.metaURL == "" {
		tr.metaURL = joinURL(r.o.RepoURL, "metadata")
	}
	if tr.targsURL == "" {
		tr.targsURL = joinURL(r.o.RepoURL, "targets")
	}
	r.t.MetadataURL, r.t.TargetsURL = tr.metaURL, tr.targsURL
	err := tr.workflow(trust)
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// metaOrder is the order in which trustedmetadata judges a role's file, so
// that a failure at one control means the ones before it passed.
var metaOrder = []transcript.Control{transcript.ControlIntegrity, transcript.ControlSignature, transcript.ControlRollback, transcript.ControlFreshness}

// classify maps go-tuf's typed errors to the control that refused, and
// names the controls before it in metaOrder that were not reached (they are
// then not recorded as passed).
func classify(err error) (transcript.Control, []transcript.Control) {
	var repoErr *metadata.ErrRepository
	switch {
	case errors.Is(err, &metadata.ErrUnsignedMetadata{}):
		return transcript.ControlSignature, nil
	case errors.Is(err, &metadata.ErrBadVersionNumber{}):
		return transcript.ControlRollback, nil
	case errors.Is(err, &metadata.ErrExpiredMetadata{}):
		return transcript.ControlFreshness, nil
	case errors.Is(err, &metadata.ErrLengthOrHashMismatch{}):
		return transcript.ControlIntegrity, nil
	case errors.As(err, &repoErr) && strings.Contains(repoErr.Msg, "is missing info for"):
		// A new snapshot dropping a role the trusted one lists: a rollback
		// of that role to "absent" (checked after the signature).
		return transcript.ControlRollback, nil
	case isWrongType(err):
		// A validly signed file of another role served in this one's place
		// (mix and match): refused before its signature was looked at.
		return transcript.ControlRollback, []transcript.Control{transcript.ControlSignature}
	}
	// Unparsable or missing entries: nothing in it can be trusted.
	return transcript.ControlSignature, nil
}

// isWrongType reports go-tuf's two ways of refusing metadata of another
// type: when decoding (ErrValue) and in trustedmetadata (ErrRepository).
func isWrongType(err error) bool {
	var repoErr *metadata.ErrRepository
	var valErr *metadata.ErrValue
	if errors.As(err, &valErr) && strings.HasPrefix(valErr.Msg, "expected metadata type ") {
		return true
	}
	if errors.As(err, &repoErr) {
		for _, role := range []string{metadata.ROOT, metadata.TIMESTAMP, metadata.SNAPSHOT, metadata.TARGETS} {
			if strings.HasPrefix(repoErr.Msg, "expected "+role+", got ") {
				return true
			}
		}
	}
	return false
}

// record writes the steps for one metadata file: every control of metaOrder
// that applies, up to the failing one. details holds the pass texts.
func (tr *tufRun) record(subject, role string, version int64, enisa int, applies []transcript.Control, err error, details map[transcript.Control]string) error {
	failAt := transcript.Control("")
	var unchecked []transcript.Control
	if err != nil {
		failAt, unchecked = classify(err)
	}
	for _, c := range metaOrder {
		if (!slices.Contains(applies, c) || slices.Contains(unchecked, c)) && c != failAt {
			continue
		}
		s := transcript.Step{ID: subject + "/" + string(c), Control: c, ENISAStep: enisa, Role: role, Version: version}
		if c == failAt {
			s.Verdict, s.Detail = transcript.Fail, err.Error()
			tr.t.Add(s)
			return errStop
		}
		s.Verdict, s.Detail = transcript.Pass, details[c]
		tr.t.Add(s)
	}
	return nil
}

func (tr *tufRun) info(id, detail string) {
	tr.t.Add(transcript.Step{ID: id, Control: transcript.ControlRollback, ENISAStep: 3, Verdict: transcript.Info, Detail: detail})
}

func (tr *tufRun) workflow(trust []byte) error {
	t := tr.t
	// 5.2 "Load the trusted root metadata file": from the state when one was
	// kept (it was verified by an earlier run), else the trust file.
	rootData, from := trust, "trust file"
	if b, ok := tr.loadState(metadata.ROOT); ok {
		rootData, from = b, "state directory"
	}
	h := sha256.Sum256(trust)
	t.Trust = transcript.TrustInfo{Kind: ProfileTUF, SHA256: hex.EncodeToString(h[:])}
	tm, err := trustedmetadata.New(rootData)
	if err != nil {
		return couldNotRun("trusted root (%s) is unusable: %v", from, err)
	}
	tm.RefTime = tr.ref
	tr.tm = tm
	if from == "trust file" {
		t.Trust.Version = tm.Root.Signed.Version
	} else if tt, err := metadata.Root().FromBytes(trust); err == nil {
		t.Trust.Version = tt.Signed.Version
	}
	t.Add(transcript.Step{ID: "root/trusted", Control: transcript.ControlSignature, ENISAStep: 3, Verdict: transcript.Pass, Role: metadata.ROOT,
		Version: tm.Root.Signed.Version, Detail: fmt.Sprintf("root v%d from the %s, signed by a threshold of its own keys", tm.Root.Signed.Version, from)})

	// 5.3 root chain: N+1, N+2 ... until 404, each signed by the old and the new root.
	first := tm.Root.Signed.Version
	for next := first + 1; next <= first+tr.lim.MaxRootRotations; next++ {
		purpose := fmt.Sprintf("root v%d", next)
		u := joinURL(tr.metaURL, fmt.Sprintf("%d.root.json", next))
		data, err := tr.c.Get(u, purpose, tr.lim.RootMaxLength)
		if isNotFound(err) {
			break
		}
		if err != nil {
			return tr.fetchErr(err, purpose, 3)
		}
		_, err = tm.UpdateRoot(data)
		if err := tr.record("root", metadata.ROOT, next, 3, []transcript.Control{transcript.ControlSignature, transcript.ControlRollback}, err, map[transcript.Control]string{
			transcript.ControlSignature: fmt.Sprintf("root v%d signed by thresholds of root v%d and of itself", next, next-1),
			transcript.ControlRollback:  fmt.Sprintf("version %d follows %d", next, next-1),
		}); err != nil {
			return err
		}
		tr.persist(metadata.ROOT, data)
	}
	rv := tm.Root.Signed.Version
	t.Versions[metadata.ROOT] = rv
	// 5.3.10 the final root must not be expired (freeze attack).
	if tm.Root.Signed.IsExpired(tr.ref) {
		t.Add(transcript.Step{ID: "root/freshness", Control: transcript.ControlFreshness, ENISAStep: 3, Verdict: transcript.Fail, Role: metadata.ROOT, Version: rv,
			Detail: fmt.Sprintf("root v%d expired %s (reference time %s)", rv, tm.Root.Signed.Expires.UTC().Format(rfc), tr.ref.Format(rfc))})
		return errStop
	}
	t.Add(transcript.Step{ID: "root/freshness", Control: transcript.ControlFreshness, ENISAStep: 3, Verdict: transcript.Pass, Role: metadata.ROOT, Version: rv,
		Detail: fmt.Sprintf("root v%d expires %s", rv, tm.Root.Signed.Expires.UTC().Format(rfc))})

	if err := tr.timestamp(); err != nil {
		return err
	}
	if err := tr.snapshot(); err != nil {
		return err
	}
	if _, err := tr.targets(metadata.TARGETS, metadata.ROOT); err != nil {
		return err
	}
	for _, name := range tr.o.Targets {
		if err := tr.target(name); err != nil {
			return err
		}
	}
	return nil
}

const rfc = "2006-01-02T15:04:05Z07:00"

func (tr *tufRun) timestamp() error {
	tm, t := tr.tm, tr.t
	// 5.4: a stored timestamp protects against rollback; one the new root no
	// longer accepts (key rotation) is dropped: fast-forward recovery.
	var stored int64
	if b, ok := tr.loadState(metadata.TIMESTAMP); ok {
		if _, err := tm.UpdateTimestamp(b); err != nil && !errors.Is(err, &metadata.ErrRepository{}) {
			return &RunError{Err: fmt.Errorf("stored timestamp: %w", err)}
		} else if tm.Timestamp == nil {
			tr.info("state/timestamp", fmt.Sprintf("stored timestamp not trusted by root v%d and discarded: %v", tm.Root.Signed.Version, err))
		} else {
			stored = tm.Timestamp.Signed.Version
			tr.info("state/timestamp", fmt.Sprintf("stored timestamp v%d kept for rollback protection", stored))
		}
	}
	data, err := tr.fetch(joinURL(tr.metaURL, "timestamp.json"), "timestamp", tr.lim.TimestampMaxLength, 3)
	if err != nil {
		return err
	}
	_, err = tm.UpdateTimestamp(data)
	if errors.Is(err, &metadata.ErrEqualVersionNumber{}) {
		err = nil // the same timestamp as stored: nothing new, not an error
	}
	var v int64
	if nt, perr := metadata.Timestamp().FromBytes(data); perr == nil {
		v = nt.Signed.Version
	}
	rb := fmt.Sprintf("version %d, no earlier timestamp stored", v)
	if stored > 0 {
		rb = fmt.Sprintf("version %d >= stored %d, snapshot version not lower", v, stored)
	}
	fresh := ""
	if err == nil && tm.Timestamp != nil {
		if tm.Timestamp.Signed.IsExpired(tr.ref) {
			err = &metadata.ErrExpiredMetadata{Msg: fmt.Sprintf("timestamp v%d expired %s (reference time %s)",
				tm.Timestamp.Signed.Version, tm.Timestamp.Signed.Expires.UTC().Format(rfc), tr.ref.Format(rfc))}
		}
		fresh = fmt.Sprintf("expires %s", tm.Timestamp.Signed.Expires.UTC().Format(rfc))
	}
	if err := tr.record("timestamp", metadata.TIMESTAMP, v, 3, []transcript.Control{transcript.ControlSignature, transcript.ControlRollback, transcript.ControlFreshness}, err, map[transcript.Control]string{
		transcript.ControlSignature: tr.thresholdText(metadata.TIMESTAMP),
		transcript.ControlRollback:  rb,
		transcript.ControlFreshness: fresh,
	}); err != nil {
		return err
	}
	if tm.Timestamp.Signed.Version != stored {
		tr.persist(metadata.TIMESTAMP, data)
	}
	t.Versions[metadata.TIMESTAMP] = tm.Timestamp.Signed.Version
	return nil
}

func (tr *tufRun) thresholdText(role string) string {
	r := tr.tm.Root.Signed.Roles[role]
	if r == nil {
		return "signed"
	}
	return fmt.Sprintf("signed by at least %d of %d %s keys in root v%d", r.Threshold, len(r.KeyIDs), role, tr.tm.Root.Signed.Version)
}

func (tr *tufRun) snapshot() error {
	tm, t := tr.tm, tr.t
	if b, ok := tr.loadState(metadata.SNAPSHOT); ok {
		_, err := tm.UpdateSnapshot(b, true)
		switch {
		case err == nil:
			tr.info("state/snapshot", fmt.Sprintf("stored snapshot v%d is still current", tm.Snapshot.Signed.Version))
			t.Versions[metadata.SNAPSHOT] = tm.Snapshot.Signed.Version
			t.Add(transcript.Step{ID: "snapshot/freshness", Control: transcript.ControlFreshness, ENISAStep: 3, Verdict: transcript.Pass, Role: metadata.SNAPSHOT,
				Version: tm.Snapshot.Signed.Version, Detail: "stored snapshot matches the timestamp and expires " + tm.Snapshot.Signed.Expires.UTC().Format(rfc)})
			return nil
		case errors.Is(err, &metadata.ErrRepository{}):
			tr.info("state/snapshot", "stored snapshot is not current, downloading: "+err.Error())
		default:
			return &RunError{Err: fmt.Errorf("stored snapshot: %w", err)}
		}
	}
	meta := tm.Timestamp.Signed.Meta["snapshot.json"]
	if meta == nil {
		t.Add(transcript.Step{ID: "snapshot/integrity", Control: transcript.ControlIntegrity, ENISAStep: 3, Verdict: transcript.Fail, Role: metadata.SNAPSHOT,
			Detail: "timestamp has no snapshot.json entry"})
		return errStop
	}
	limit := meta.Length
	if limit == 0 {
		limit = tr.lim.SnapshotMaxLength
	}
	name := "snapshot.json"
	if tm.Root.Signed.ConsistentSnapshot {
		name = fmt.Sprintf("%d.snapshot.json", meta.Version)
	}
	data, err := tr.fetch(joinURL(tr.metaURL, name), "snapshot", limit, 3)
	if err != nil {
		return err
	}
	_, err = tm.UpdateSnapshot(data, false)
	integ := fmt.Sprintf("length %d and hashes match the timestamp's record", len(data))
	if len(meta.Hashes) == 0 && meta.Length == 0 {
		integ = "timestamp records no length or hashes; version checked instead"
	}
	if err := tr.record("snapshot", metadata.SNAPSHOT, meta.Version, 3, metaOrder, err, map[transcript.Control]string{
		transcript.ControlIntegrity: integ,
		transcript.ControlSignature: tr.thresholdText(metadata.SNAPSHOT),
		transcript.ControlRollback:  fmt.Sprintf("version %d is the one the timestamp names; no listed role rolled back", meta.Version),
		transcript.ControlFreshness: "expires " + expires(tm.Snapshot),
	}); err != nil {
		return err
	}
	tr.persist(metadata.SNAPSHOT, data)
	t.Versions[metadata.SNAPSHOT] = tm.Snapshot.Signed.Version
	return nil
}

func expires[T metadata.Roles](m *metadata.Metadata[T]) string {
	if m == nil {
		return ""
	}
	switch s := any(&m.Signed).(type) {
	case *metadata.SnapshotType:
		return s.Expires.UTC().Format(rfc)
	case *metadata.TargetsType:
		return s.Expires.UTC().Format(rfc)
	}
	return ""
}

// targets loads a targets role (top-level or delegated), from the state
// when still current, else from the repository.
func (tr *tufRun) targets(role, parent string) (*metadata.Metadata[metadata.TargetsType], error) {
	tm, t := tr.tm, tr.t
	subject, enisa := "targets", 5
	if role != metadata.TARGETS {
		subject = "delegated-targets"
	}
	if m, ok := tm.Targets[role]; ok {
		return m, tr.reverify(m, role, parent)
	}
	defer func() {
		if _, ok := tm.Targets[role]; ok {
			tr.trustedVia(role, parent)
		}
	}()
	if b, ok := tr.loadState(role); ok {
		m, err := tm.UpdateDelegatedTargets(b, role, parent)
		switch {
		case err == nil:
			tr.info("state/"+subject, fmt.Sprintf("stored %s v%d is still current", role, m.Signed.Version))
			t.Versions[role] = m.Signed.Version
			return m, nil
		case errors.Is(err, &metadata.ErrRepository{}):
			tr.info("state/"+subject, fmt.Sprintf("stored %s is not current, downloading: %v", role, err))
		default:
			return nil, &RunError{Err: fmt.Errorf("stored %s: %w", role, err)}
		}
	}
	meta := tm.Snapshot.Signed.Meta[role+".json"]
	if meta == nil {
		t.Add(transcript.Step{ID: subject + "/integrity", Control: transcript.ControlIntegrity, ENISAStep: enisa, Verdict: transcript.Fail, Role: role,
			Detail: fmt.Sprintf("snapshot has no entry for %s.json", role)})
		return nil, errStop
	}
	limit := meta.Length
	if limit == 0 {
		limit = tr.lim.TargetsMaxLength
	}
	name := url.PathEscape(role) + ".json"
	if tm.Root.Signed.ConsistentSnapshot {
		name = fmt.Sprintf("%d.%s", meta.Version, name)
	}
	data, err := tr.fetch(joinURL(tr.metaURL, name), role, limit, enisa)
	if err != nil {
		return nil, err
	}
	m, err := tm.UpdateDelegatedTargets(data, role, parent)
	integ := fmt.Sprintf("length %d and hashes match the snapshot's record", len(data))
	if len(meta.Hashes) == 0 && meta.Length == 0 {
		integ = "snapshot records no length or hashes; version checked instead"
	}
	sig := fmt.Sprintf("signed by a threshold of the keys %s delegates to %s", parent, role)
	if err := tr.record(subject, role, meta.Version, enisa, metaOrder, err, map[transcript.Control]string{
		transcript.ControlIntegrity: integ,
		transcript.ControlSignature: sig,
		transcript.ControlRollback:  fmt.Sprintf("version %d is the one the snapshot names", meta.Version),
		transcript.ControlFreshness: "expires " + expires(m),
	}); err != nil {
		return nil, err
	}
	tr.persist(role, data)
	t.Versions[role] = m.Signed.Version
	return m, nil
}

func (tr *tufRun) trustedVia(role, parent string) {
	if tr.via[role] == nil {
		tr.via[role] = map[string]bool{}
	}
	tr.via[role][parent] = true
}

// reverify checks a role already trusted in this run against parent, when
// it was verified only through other delegators: the keys and threshold
// parent delegates to role must sign it too. The top-level targets role has
// one delegator (root) and is never re-checked.
func (tr *tufRun) reverify(m *metadata.Metadata[metadata.TargetsType], role, parent string) error {
	if role == metadata.TARGETS || tr.via[role][parent] {
		return nil
	}
	delegator, ok := tr.tm.Targets[parent]
	if !ok {
		return &RunError{Err: fmt.Errorf("delegator %s of %s is not loaded", parent, role)}
	}
	earlier := make([]string, 0, len(tr.via[role]))
	for p := range tr.via[role] {
		earlier = append(earlier, p)
	}
	sort.Strings(earlier)
	s := transcript.Step{ID: "delegated-targets/signature", Control: transcript.ControlSignature, ENISAStep: 5, Role: role, Version: m.Signed.Version}
	if err := delegator.VerifyDelegate(role, m); err != nil {
		s.Verdict = transcript.Fail
		s.Detail = fmt.Sprintf("%s v%d, trusted through %s, is also delegated by %s but not signed by a threshold of the keys %s delegates to it: %v",
			role, m.Signed.Version, strings.Join(earlier, ", "), parent, parent, err)
		tr.t.Add(s)
		return errStop
	}
	s.Verdict = transcript.Pass
	s.Detail = fmt.Sprintf("%s v%d, trusted through %s, re-checked against the keys and threshold %s delegates to it", role, m.Signed.Version, strings.Join(earlier, ", "), parent)
	tr.t.Add(s)
	tr.trustedVia(role, parent)
	return nil
}

// target finds name by the pre-order depth-first walk over delegations (5.7),
// downloads it and checks length and hashes.
func (tr *tufRun) target(name string) error {
	tf, role, err := tr.lookup(name)
	if err != nil {
		return err
	}
	t := tr.t
	if tf == nil {
		t.Add(transcript.Step{ID: "target/lookup", Control: transcript.ControlSignature, ENISAStep: 5, Verdict: transcript.Fail, Target: name,
			Detail: fmt.Sprintf("no trusted targets metadata lists %q", name)})
		t.Targets = append(t.Targets, transcript.Target{Name: name, Verdict: transcript.Fail})
		return errStop
	}
	t.Add(transcript.Step{ID: "target/lookup", Control: transcript.ControlSignature, ENISAStep: 5, Verdict: transcript.Pass, Role: role, Target: name,
		Detail: fmt.Sprintf("%q listed by role %s (length %d)", name, role, tf.Length)})
	remote := name
	if tr.tm.Root.Signed.ConsistentSnapshot {
		// Consistent snapshots: the file is served as <dir>/<hash>.<base>.
		dir, base := path.Split(name)
		remote = dir + hexHash(tf.Hashes) + "." + base
	}
	u := joinURL(tr.targsURL, escapePath(remote))
	rec := transcript.Target{Name: name, URL: u, Length: tf.Length, Role: role}
	if tf.Length > tr.lim.TargetMaxLength {
		rec.Verdict = transcript.Fail
		t.Targets = append(t.Targets, rec)
		t.Add(transcript.Step{ID: "target/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Fail, Role: role, Target: name,
			Detail: fmt.Sprintf("%s: signed length %d exceeds the limit of %d bytes", name, tf.Length, tr.lim.TargetMaxLength)})
		return errStop
	}
	// A copy already delivered with matching length and hashes is not
	// downloaded again (artefact caching).
	if tr.o.TargetDir != "" {
		if b, err := readLimited(filepath.Join(tr.o.TargetDir, url.PathEscape(name)), tf.Length); err == nil && tf.VerifyLengthHashes(b) == nil {
			h256, h512 := sha256.Sum256(b), sha512.Sum512(b)
			rec.SHA256, rec.SHA512, rec.Verdict, rec.URL = hex.EncodeToString(h256[:]), hex.EncodeToString(h512[:]), transcript.Pass, ""
			t.Targets = append(t.Targets, rec)
			t.Add(transcript.Step{ID: "target/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Pass, Role: role, Target: name,
				Detail: fmt.Sprintf("%s: the copy already delivered matches the signed length and hashes; not downloaded again", name)})
			return nil
		}
	}
	data, err := tr.fetch(u, "target "+name, tf.Length, 4)
	if err != nil {
		rec.Verdict = transcript.Fail
		t.Targets = append(t.Targets, rec)
		return err
	}
	h256, h512 := sha256.Sum256(data), sha512.Sum512(data)
	rec.SHA256, rec.SHA512 = hex.EncodeToString(h256[:]), hex.EncodeToString(h512[:])
	if err := tf.VerifyLengthHashes(data); err != nil {
		rec.Verdict = transcript.Fail
		t.Targets = append(t.Targets, rec)
		t.Add(transcript.Step{ID: "target/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Fail, Role: role, Target: name, Detail: fmt.Sprintf("%s: %v", name, err)})
		return errStop
	}
	algs := make([]string, 0, len(tf.Hashes))
	for a := range tf.Hashes {
		algs = append(algs, a)
	}
	sort.Strings(algs)
	t.Add(transcript.Step{ID: "target/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Pass, Role: role, Target: name,
		Detail: fmt.Sprintf("%s: length %d and %v match the signed metadata", name, len(data), algs)})
	rec.Verdict = transcript.Pass
	t.Targets = append(t.Targets, rec)
	if tr.o.TargetDir != "" {
		if err := os.MkdirAll(tr.o.TargetDir, 0o755); err != nil {
			return &RunError{Err: err}
		}
		if err := atomicfs.WriteFile(filepath.Join(tr.o.TargetDir, url.PathEscape(name)), data, 0o644, true); err != nil {
			return &RunError{Err: err}
		}
	}
	return nil
}

// lookup walks the delegation graph in pre-order, depth first, stopping at
// terminating roles, visiting at most MaxDelegations roles.
func (tr *tufRun) lookup(name string) (*metadata.TargetFiles, string, error) {
	type pair struct{ role, parent string }
	stack := []pair{{metadata.TARGETS, metadata.ROOT}}
	visited := map[string]bool{}
	for len(visited) <= tr.lim.MaxDelegations && len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if visited[p.role] {
			continue
		}
		m, err := tr.targets(p.role, p.parent)
		if err != nil {
			return nil, "", err
		}
		if tf, ok := m.Signed.Targets[name]; ok {
			return tf, p.role, nil
		}
		visited[p.role] = true
		if m.Signed.Delegations == nil {
			continue
		}
		var children []pair
		for _, rr := range m.Signed.Delegations.GetRolesForTarget(name) {
			children = append(children, pair{rr.Name, p.role})
			if rr.Terminating {
				stack = nil
				break
			}
		}
		slices.Reverse(children)
		stack = append(stack, children...)
	}
	return nil, "", nil
}

// hexHash picks the hash used in consistent-snapshot file names: sha256 when
// listed, else the first algorithm by name (go-tuf picks a map entry at random).
func hexHash(h metadata.Hashes) string {
	if v, ok := h["sha256"]; ok {
		return hex.EncodeToString(v)
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return hex.EncodeToString(h[keys[0]])
}

func escapePath(p string) string {
	parts := []string{}
	for _, s := range splitSlash(p) {
		parts = append(parts, url.PathEscape(s))
	}
	return joinSlash(parts)
}

func splitSlash(p string) []string {
	var out []string
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}

func joinSlash(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "/"
		}
		out += x
	}
	return out
}

// loadState reads a stored metadata file (root.json, timestamp.json ...).
func (tr *tufRun) loadState(role string) ([]byte, bool) {
	if tr.o.StateDir == "" {
		return nil, false
	}
	b, err := readLimited(filepath.Join(tr.o.StateDir, url.PathEscape(role)+".json"), tr.lim.TargetsMaxLength)
	return b, err == nil
}

// persist keeps verified metadata for the next run (rollback protection).
func (tr *tufRun) persist(role string, data []byte) {
	if tr.o.StateDir == "" {
		return
	}
	p := filepath.Join(tr.o.StateDir, url.PathEscape(role)+".json")
	if err := atomicfs.WriteFile(p, data, 0o644, true); err != nil {
		tr.t.Add(transcript.Step{ID: "state/write", Control: transcript.ControlRollback, ENISAStep: 3, Verdict: transcript.Fail,
			Detail: "could not keep " + role + " for the next run: " + err.Error()})
	}
}
