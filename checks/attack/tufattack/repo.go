package tufattack

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/evidence/repo"
)

// Fix is one repository's keys and signed root history, kept across the
// states of a scenario; repositories are made from it with go-tuf's
// metadata API (evidence/repo.TUFRepo). The Uptane profile keeps one for
// its Director and one for its Image repository.
type Fix struct {
	// Ref is the reference time the metadata's expiries count from.
	Ref time.Time
	// Keys are the signers in use, by role; a scenario may change them
	// before it signs the next state.
	Keys map[string][]crypto.Signer
	// RootHist holds every signed root, version 1 first.
	RootHist [][]byte
}

// Expiry is the metadata lifetimes of every attack repository.
var Expiry = repo.Expiry{Root: 365 * 24 * time.Hour, Targets: 90 * 24 * time.Hour, Snapshot: 30 * 24 * time.Hour, Timestamp: 7 * 24 * time.Hour}

// NewKey makes a fresh ECDSA P-256 signing key.
func NewKey() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

// RootEdit changes a root before it is signed (thresholds, keys, expiry);
// it may add signers to f.Keys.
type RootEdit = func(f *Fix, r *metadata.Metadata[metadata.RootType]) error

// NewFix makes fresh role keys and signs root v1 valid from ref; edit (may
// be nil) changes the root before it is signed.
func NewFix(ref time.Time, edit RootEdit) (*Fix, error) {
	f := &Fix{Ref: ref, Keys: map[string][]crypto.Signer{}}
	for _, role := range repo.TopLevelRoles {
		k, err := NewKey()
		if err != nil {
			return nil, err
		}
		f.Keys[role] = []crypto.Signer{k}
	}
	r, err := f.base()
	if err != nil {
		return nil, err
	}
	if edit != nil {
		if err := edit(f, r.Root); err != nil {
			return nil, err
		}
	}
	b, err := signMeta(r.Root, f.Keys[metadata.ROOT]...)
	if err != nil {
		return nil, err
	}
	f.RootHist = [][]byte{b}
	return f, nil
}

func (f *Fix) base() (*repo.TUFRepo, error) {
	one := map[string]crypto.Signer{}
	for role, ks := range f.Keys {
		one[role] = ks[0]
	}
	return repo.NewTUFRepo(f.Ref, Expiry, one, true)
}

// Rotate appends root v(n+1) with edit applied, signed by signers, and
// returns its signed bytes.
func (f *Fix) Rotate(edit func(r *metadata.Metadata[metadata.RootType]) error, signers ...crypto.Signer) ([]byte, error) {
	last, err := metadata.Root().FromBytes(f.RootHist[len(f.RootHist)-1])
	if err != nil {
		return nil, err
	}
	last.Signed.Version++
	if err := edit(last); err != nil {
		return nil, err
	}
	b, err := signMeta(last, signers...)
	if err != nil {
		return nil, err
	}
	f.RootHist = append(f.RootHist, b)
	return b, nil
}

// SetRoleKey replaces role's keys in a root by k (threshold 1).
func SetRoleKey(r *metadata.Metadata[metadata.RootType], role string, k crypto.Signer) error {
	for _, id := range slices.Clone(r.Signed.Roles[role].KeyIDs) {
		if err := r.Signed.RevokeKey(id, role); err != nil {
			return err
		}
	}
	tk, err := metadata.KeyFromPublicKey(k.Public())
	if err != nil {
		return err
	}
	return r.Signed.AddKey(tk, role)
}

// TwoTargetKeys is a RootEdit: the targets role needs two signatures (a
// second key is added to the root and to f.Keys).
func TwoTargetKeys(f *Fix, r *metadata.Metadata[metadata.RootType]) error {
	k2, err := NewKey()
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
	f.Keys[metadata.TARGETS] = append(f.Keys[metadata.TARGETS], k2)
	return nil
}

// Repo starts targets/snapshot/timestamp at version v from the latest
// root, listing content as the target (nil: no target).
func (f *Fix) Repo(v int64, content []byte) (*repo.TUFRepo, error) {
	r, err := f.base()
	if err != nil {
		return nil, err
	}
	root, err := metadata.Root().FromBytes(f.RootHist[len(f.RootHist)-1])
	if err != nil {
		return nil, err
	}
	r.Root = root
	r.RootHistory = slices.Clone(f.RootHist)
	for role, ks := range f.Keys {
		r.Keys[role] = slices.Clone(ks)
	}
	r.Targets.Signed.Version, r.Snapshot.Signed.Version, r.Timestamp.Signed.Version = v, v, v
	if content == nil {
		return r, nil
	}
	if err := r.AddTarget(metadata.TARGETS, plan.TargetName, content); err != nil {
		return nil, err
	}
	return r, nil
}

// Pub says how a repository is signed and laid out when served.
type Pub struct {
	// After changes a role's signed bytes before the next role records them.
	After map[string]func([]byte) ([]byte, error)
	// Bare leaves lengths and hashes out of the snapshot's and timestamp's
	// records (versions only), as the specification allows.
	Bare bool
	// Flat serves the metadata at the top (ROLE.json, N.ROLE.json), as an
	// Uptane repository is read, instead of under metadata/; targets stay
	// under targets/.
	Flat bool
}

// Files signs the repository (delegated roles, targets, snapshot,
// timestamp) and returns it as served: metadata (under metadata/ unless
// p.Flat) and targets/ paths, each target under its plain name and its
// consistent-snapshot names.
func Files(r *repo.TUFRepo, p Pub) (map[string][]byte, error) {
	out := map[string][]byte{}
	hook := func(role string, b []byte) ([]byte, error) {
		if h := p.After[role]; h != nil {
			return h(b)
		}
		return b, nil
	}
	meta := func(v int64, b []byte) *metadata.MetaFiles {
		mf := metadata.MetaFile(v)
		if !p.Bare {
			mf.Length = int64(len(b))
			h := sha256.Sum256(b)
			mf.Hashes = metadata.Hashes{"sha256": h[:]}
		}
		return mf
	}
	dir := "metadata/"
	if p.Flat {
		dir = ""
	}
	put := func(role string, v int64, b []byte) {
		name := url.PathEscape(role) + ".json"
		out[dir+name] = b
		out[fmt.Sprintf("%s%d.%s", dir, v, name)] = b
		if raw := role + ".json"; raw != name {
			// A client that does not escape role names asks for the raw path.
			out[dir+raw] = b
			out[fmt.Sprintf("%s%d.%s", dir, v, raw)] = b
		}
	}
	r.Snapshot.Signed.Meta = map[string]*metadata.MetaFiles{}
	for _, n := range slices.Sorted(maps.Keys(r.Delegated)) {
		m := r.Delegated[n]
		b, err := signMeta(m, r.Keys[n]...)
		if err != nil {
			return nil, err
		}
		if b, err = hook(n, b); err != nil {
			return nil, err
		}
		put(n, m.Signed.Version, b)
		r.Snapshot.Signed.Meta[n+".json"] = meta(m.Signed.Version, b)
	}
	b, err := signMeta(r.Targets, r.Keys[metadata.TARGETS]...)
	if err != nil {
		return nil, err
	}
	if b, err = hook(metadata.TARGETS, b); err != nil {
		return nil, err
	}
	put(metadata.TARGETS, r.Targets.Signed.Version, b)
	r.Snapshot.Signed.Meta["targets.json"] = meta(r.Targets.Signed.Version, b)
	if b, err = signMeta(r.Snapshot, r.Keys[metadata.SNAPSHOT]...); err != nil {
		return nil, err
	}
	if b, err = hook(metadata.SNAPSHOT, b); err != nil {
		return nil, err
	}
	put(metadata.SNAPSHOT, r.Snapshot.Signed.Version, b)
	r.Timestamp.Signed.Meta = map[string]*metadata.MetaFiles{"snapshot.json": meta(r.Snapshot.Signed.Version, b)}
	if b, err = signMeta(r.Timestamp, r.Keys[metadata.TIMESTAMP]...); err != nil {
		return nil, err
	}
	if b, err = hook(metadata.TIMESTAMP, b); err != nil {
		return nil, err
	}
	out[dir+"timestamp.json"] = b
	for i, rb := range r.RootHistory {
		out[fmt.Sprintf("%s%d.root.json", dir, i+1)] = rb
	}
	out[dir+"root.json"] = r.RootHistory[len(r.RootHistory)-1]
	for p, data := range r.Files {
		PutTarget(out, p, data, listedHashes(r, p))
	}
	return out, nil
}

// listedHashes are the hashes the repository's targets metadata (top-level
// or delegated) lists for target p, or nil when none lists it.
func listedHashes(r *repo.TUFRepo, p string) metadata.Hashes {
	if tf, ok := r.Targets.Signed.Targets[p]; ok {
		return tf.Hashes
	}
	for _, n := range slices.Sorted(maps.Keys(r.Delegated)) {
		if tf, ok := r.Delegated[n].Signed.Targets[p]; ok {
			return tf.Hashes
		}
	}
	return nil
}

// PutTarget serves data as target p under its plain name and, as a
// conformant repository with consistent snapshots does, under the
// consistent-snapshot name <hash>.<name> of every hash given: a client may
// pick any listed hash (go-tuf's updater takes whichever its map yields
// first). Default: the data's SHA-256 and SHA-512, what repo.AddTarget lists.
func PutTarget(files map[string][]byte, p string, data []byte, hashes metadata.Hashes) {
	if hashes == nil {
		h256, h512 := sha256.Sum256(data), sha512.Sum512(data)
		hashes = metadata.Hashes{"sha256": h256[:], "sha512": h512[:]}
	}
	dir, base := path.Split(p)
	files["targets/"+p] = data
	for _, h := range hashes {
		files["targets/"+dir+hex.EncodeToString(h)+"."+base] = data
	}
}

// replaceTarget serves data wherever target p was served: its plain name
// and every <hex>.<name> beside it.
func replaceTarget(files map[string][]byte, p string, data []byte) {
	dir, base := path.Split("targets/" + p)
	for k := range files {
		if k == "targets/"+p {
			files[k] = data
			continue
		}
		kd, kb := path.Split(k)
		if kd != dir || !strings.HasSuffix(kb, "."+base) {
			continue
		}
		if prefix := strings.TrimSuffix(kb, "."+base); prefix != "" && isHex(prefix) {
			files[k] = data
		}
	}
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// replaceMeta serves data wherever role's metadata (any version) was served.
func replaceMeta(files map[string][]byte, role string, data []byte) {
	name := url.PathEscape(role) + ".json"
	for k := range files {
		if k == "metadata/"+name || (len(k) > len("metadata/"+name) && path.Dir(k) == "metadata" && isVersioned(path.Base(k), name)) {
			files[k] = data
		}
	}
}

func isVersioned(base, name string) bool {
	if len(base) <= len(name)+1 || base[len(base)-len(name)-1:] != "."+name {
		return false
	}
	for _, c := range base[:len(base)-len(name)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// signMeta signs m with every signer (clearing older signatures).
func signMeta[T metadata.Roles](m *metadata.Metadata[T], signers ...crypto.Signer) ([]byte, error) {
	m.ClearSignatures()
	for _, k := range signers {
		s, err := signature.LoadSigner(k, crypto.SHA256)
		if err != nil {
			return nil, err
		}
		if _, err := m.Sign(s); err != nil {
			return nil, err
		}
	}
	return m.ToBytes(true)
}

// CorruptTargetsSignature is a Pub.After hook for targets metadata: its
// first signature gets one byte changed, so it no longer verifies.
func CorruptTargetsSignature(b []byte) ([]byte, error) {
	m, err := parseTargets(b)
	if err != nil {
		return nil, err
	}
	s := append([]byte(nil), m.Signatures[0].Signature...)
	s[len(s)/2] ^= 0x55
	m.Signatures[0].Signature = s
	return m.ToBytes(true)
}

func parseTargets(b []byte) (*metadata.Metadata[metadata.TargetsType], error) {
	return metadata.Targets().FromBytes(b)
}
