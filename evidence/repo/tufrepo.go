package repo

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"
)

// TopLevelRoles are TUF's four top-level roles, in signing order.
var TopLevelRoles = []string{metadata.ROOT, metadata.TARGETS, metadata.SNAPSHOT, metadata.TIMESTAMP}

// TUFRepo is a TUF repository under construction, built with go-tuf's
// metadata API. Fields are exported so tests (and hostile-repository
// generators) can change anything before Write.
type TUFRepo struct {
	Root      *metadata.Metadata[metadata.RootType]
	Targets   *metadata.Metadata[metadata.TargetsType]
	Snapshot  *metadata.Metadata[metadata.SnapshotType]
	Timestamp *metadata.Metadata[metadata.TimestampType]
	Delegated map[string]*metadata.Metadata[metadata.TargetsType]
	// Keys holds the signing keys per role name (top-level and delegated).
	Keys map[string][]crypto.Signer
	// Files holds target contents by target path.
	Files map[string][]byte
	// RootHistory holds every signed root, oldest first (written as N.root.json).
	RootHistory [][]byte
	// ExtraRootSigners sign the next root too (the previous root's keys in a rotation).
	ExtraRootSigners []crypto.Signer
	// NoMetaHashes leaves length and hashes out of the snapshot's and
	// timestamp's records (allowed by the specification; versions only).
	NoMetaHashes bool
	// PlainTargets also writes each target under its plain name when
	// snapshots are consistent (for clients that fetch targets by name).
	PlainTargets bool
	// FlatMetadata writes the metadata at the top of the folder (not in
	// metadata/), as an Uptane repository is served: metadata at its URL,
	// images at URL/targets/.
	FlatMetadata bool
}

// Expiry of each role's metadata, from the creation time.
type Expiry struct {
	Root, Targets, Snapshot, Timestamp time.Duration
}

// DefaultExpiry mirrors common practice: a long-lived root, a short timestamp.
var DefaultExpiry = Expiry{Root: 365 * 24 * time.Hour, Targets: 90 * 24 * time.Hour, Snapshot: 30 * 24 * time.Hour, Timestamp: 7 * 24 * time.Hour}

// NewTUFRepo starts version 1 of every top-level role, signed by one key each
// (keys maps role -> signer), with consistent snapshots as asked.
func NewTUFRepo(now time.Time, exp Expiry, keys map[string]crypto.Signer, consistent bool) (*TUFRepo, error) {
	now = now.UTC().Truncate(time.Second)
	r := &TUFRepo{
		Root:      metadata.Root(now.Add(exp.Root)),
		Targets:   metadata.Targets(now.Add(exp.Targets)),
		Snapshot:  metadata.Snapshot(now.Add(exp.Snapshot)),
		Timestamp: metadata.Timestamp(now.Add(exp.Timestamp)),
		Delegated: map[string]*metadata.Metadata[metadata.TargetsType]{},
		Keys:      map[string][]crypto.Signer{},
		Files:     map[string][]byte{},
	}
	r.Root.Signed.ConsistentSnapshot = consistent
	for _, role := range TopLevelRoles {
		k, ok := keys[role]
		if !ok {
			return nil, fmt.Errorf("no key for role %s", role)
		}
		tk, err := metadata.KeyFromPublicKey(k.Public())
		if err != nil {
			return nil, fmt.Errorf("%s key: %w", role, err)
		}
		if err := r.Root.Signed.AddKey(tk, role); err != nil {
			return nil, err
		}
		r.Keys[role] = []crypto.Signer{k}
	}
	return r, nil
}

// AddTarget lists data under targetPath in role's metadata ("targets" or a
// delegated role) with its length and SHA-256/SHA-512.
func (r *TUFRepo) AddTarget(role, targetPath string, data []byte) error {
	m := r.Targets
	if role != metadata.TARGETS {
		var ok bool
		if m, ok = r.Delegated[role]; !ok {
			return fmt.Errorf("no delegated role %s", role)
		}
	}
	tf, err := metadata.TargetFile().FromBytes(targetPath, data, "sha256", "sha512")
	if err != nil {
		return err
	}
	m.Signed.Targets[targetPath] = tf
	r.Files[targetPath] = data
	return nil
}

// Delegate has the top-level targets role delegate paths to a new role
// signed by key.
func (r *TUFRepo) Delegate(name string, key crypto.Signer, paths []string, terminating bool, expires time.Time) error {
	tk, err := metadata.KeyFromPublicKey(key.Public())
	if err != nil {
		return err
	}
	if r.Targets.Signed.Delegations == nil {
		r.Targets.Signed.Delegations = &metadata.Delegations{Keys: map[string]*metadata.Key{}}
	}
	id, err := tk.ID()
	if err != nil {
		return err
	}
	r.Targets.Signed.Delegations.Keys[id] = tk
	r.Targets.Signed.Delegations.Roles = append(r.Targets.Signed.Delegations.Roles, metadata.DelegatedRole{
		Name: name, KeyIDs: []string{id}, Threshold: 1, Terminating: terminating, Paths: paths,
	})
	r.Delegated[name] = metadata.Targets(expires.UTC())
	r.Keys[name] = []crypto.Signer{key}
	return nil
}

// SignRoot signs the current root (with its own keys and ExtraRootSigners)
// and appends it to RootHistory. Call it for version 1 and after every
// change to Root (bump Root.Signed.Version first).
func (r *TUFRepo) SignRoot() error {
	r.Root.ClearSignatures()
	seen := map[string]bool{}
	for _, k := range append(append([]crypto.Signer{}, r.Keys[metadata.ROOT]...), r.ExtraRootSigners...) {
		tk, err := metadata.KeyFromPublicKey(k.Public())
		if err != nil {
			return err
		}
		id, err := tk.ID()
		if err != nil {
			return err
		}
		if seen[id] {
			continue // a key that stays across a rotation signs once
		}
		seen[id] = true
		if err := sign(r.Root, k); err != nil {
			return err
		}
	}
	b, err := r.Root.ToBytes(true)
	if err != nil {
		return err
	}
	r.RootHistory = append(r.RootHistory, b)
	r.ExtraRootSigners = nil
	return nil
}

func sign[T metadata.Roles](m *metadata.Metadata[T], k crypto.Signer) error {
	h := crypto.SHA256
	if _, ok := k.(ed25519.PrivateKey); ok {
		h = crypto.Hash(0)
	}
	s, err := signature.LoadSigner(k, h)
	if err != nil {
		return err
	}
	_, err = m.Sign(s)
	return err
}

func signAll[T metadata.Roles](m *metadata.Metadata[T], ks []crypto.Signer) ([]byte, error) {
	m.ClearSignatures()
	for _, k := range ks {
		if err := sign(m, k); err != nil {
			return nil, err
		}
	}
	return m.ToBytes(true)
}

func (r *TUFRepo) metaFor(v int64, b []byte) *metadata.MetaFiles {
	mf := metadata.MetaFile(v)
	if r.NoMetaHashes {
		return mf
	}
	mf.Length = int64(len(b))
	h := sha256.Sum256(b)
	mf.Hashes = metadata.Hashes{"sha256": h[:]}
	return mf
}

// Write signs targets, delegated roles, snapshot and timestamp (in that
// order, each recording the next's length and hashes) and writes the
// repository to dir/metadata and dir/targets. The root history must have
// been signed with SignRoot.
func (r *TUFRepo) Write(dir string) error {
	if len(r.RootHistory) == 0 {
		if err := r.SignRoot(); err != nil {
			return err
		}
	}
	md, td := filepath.Join(dir, "metadata"), filepath.Join(dir, "targets")
	if r.FlatMetadata {
		md = dir
	}
	for _, d := range []string{md, td} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	consistent := r.Root.Signed.ConsistentSnapshot
	write := func(name string, version int64, b []byte) error {
		if consistent {
			if err := os.WriteFile(filepath.Join(md, fmt.Sprintf("%d.%s", version, name)), b, 0o644); err != nil {
				return err
			}
		}
		return os.WriteFile(filepath.Join(md, name), b, 0o644)
	}
	r.Snapshot.Signed.Meta = map[string]*metadata.MetaFiles{}
	names := make([]string, 0, len(r.Delegated))
	for n := range r.Delegated {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m := r.Delegated[n]
		b, err := signAll(m, r.Keys[n])
		if err != nil {
			return err
		}
		if err := write(n+".json", m.Signed.Version, b); err != nil {
			return err
		}
		r.Snapshot.Signed.Meta[n+".json"] = r.metaFor(m.Signed.Version, b)
	}
	b, err := signAll(r.Targets, r.Keys[metadata.TARGETS])
	if err != nil {
		return err
	}
	if err := write("targets.json", r.Targets.Signed.Version, b); err != nil {
		return err
	}
	r.Snapshot.Signed.Meta["targets.json"] = r.metaFor(r.Targets.Signed.Version, b)
	b, err = signAll(r.Snapshot, r.Keys[metadata.SNAPSHOT])
	if err != nil {
		return err
	}
	if err := write("snapshot.json", r.Snapshot.Signed.Version, b); err != nil {
		return err
	}
	r.Timestamp.Signed.Meta = map[string]*metadata.MetaFiles{"snapshot.json": r.metaFor(r.Snapshot.Signed.Version, b)}
	b, err = signAll(r.Timestamp, r.Keys[metadata.TIMESTAMP])
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(md, "timestamp.json"), b, 0o644); err != nil {
		return err
	}
	for i, rb := range r.RootHistory {
		if err := os.WriteFile(filepath.Join(md, fmt.Sprintf("%d.root.json", i+1)), rb, 0o644); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(md, "root.json"), r.RootHistory[len(r.RootHistory)-1], 0o644); err != nil {
		return err
	}
	for p, data := range r.Files {
		names := []string{p}
		if consistent {
			// TUF 1.0 (consistent snapshots): a target is stored under each of
			// its listed hashes, since a client may pick any of them (go-tuf's
			// updater takes whichever its map yields first).
			h256, h512 := sha256.Sum256(data), sha512.Sum512(data)
			d, base := path.Split(p)
			names = []string{d + hex.EncodeToString(h256[:]) + "." + base, d + hex.EncodeToString(h512[:]) + "." + base}
			if r.PlainTargets {
				names = append(names, p)
			}
		}
		for _, name := range names {
			fp := filepath.Join(td, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(fp, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
