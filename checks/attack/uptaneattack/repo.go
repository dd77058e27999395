package uptaneattack

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
	"slices"
	"time"

	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/evidence/repo"
)

// ECU is one ECU of the unit the Primary under test is provisioned as.
type ECU struct{ Serial, HardwareID string }

// The unit: a thermostat's main controller (the Primary, which takes the
// scenarios' images) and its Wi-Fi module. Other is a serial of another
// unit's main controller; OtherWiFi its Wi-Fi module.
var (
	Main      = ECU{Serial: "st100-main-0001", HardwareID: "st100-rev-b"}
	WiFi      = ECU{Serial: "st100-wifi-0001", HardwareID: "st100-wifi-a"}
	Other     = ECU{Serial: "st100-main-0999", HardwareID: "st100-rev-b"}
	OtherWiFi = ECU{Serial: "st100-wifi-0999", HardwareID: "st100-wifi-a"}
	// Unit lists the ECUs the client is provisioned with, Primary first.
	Unit = []ECU{Main, WiFi}
)

// Where the two repositories are served on the harness's server: each is a
// TUF repository served as the Uptane verifier reads one: metadata at the
// repository's URL, images at URL/targets/.
const (
	DirectorPrefix = "director/"
	ImagePrefix    = "image/"
)

// Release counters of the contents: the baseline (Env.A), the valid update
// (Env.B), an older release (Env.X in rollback scenarios).
const (
	CounterA   = 2
	CounterB   = 3
	CounterOld = 1
)

var expiry = repo.Expiry{Root: 365 * 24 * time.Hour, Targets: 90 * 24 * time.Hour, Snapshot: 30 * 24 * time.Hour, Timestamp: 7 * 24 * time.Hour}

func newKey() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

// side is one repository's keys and signed root history.
type side struct {
	keys     map[string][]crypto.Signer
	rootHist [][]byte
}

func newSide(ref time.Time, edit func(s *side, r *metadata.Metadata[metadata.RootType]) error) (*side, error) {
	s := &side{keys: map[string][]crypto.Signer{}}
	for _, role := range repo.TopLevelRoles {
		k, err := newKey()
		if err != nil {
			return nil, err
		}
		s.keys[role] = []crypto.Signer{k}
	}
	r, err := s.base(ref)
	if err != nil {
		return nil, err
	}
	if edit != nil {
		if err := edit(s, r.Root); err != nil {
			return nil, err
		}
	}
	b, err := signMeta(r.Root, s.keys[metadata.ROOT]...)
	if err != nil {
		return nil, err
	}
	s.rootHist = [][]byte{b}
	return s, nil
}

func (s *side) base(ref time.Time) (*repo.TUFRepo, error) {
	one := map[string]crypto.Signer{}
	for role, ks := range s.keys {
		one[role] = ks[0]
	}
	return repo.NewTUFRepo(ref, expiry, one, true)
}

// rotate appends root v(n+1) with edit applied, signed by signers.
func (s *side) rotate(edit func(r *metadata.Metadata[metadata.RootType]) error, signers ...crypto.Signer) error {
	last, err := metadata.Root().FromBytes(s.rootHist[len(s.rootHist)-1])
	if err != nil {
		return err
	}
	last.Signed.Version++
	if err := edit(last); err != nil {
		return err
	}
	b, err := signMeta(last, signers...)
	if err != nil {
		return err
	}
	s.rootHist = append(s.rootHist, b)
	return nil
}

// setRoleKey replaces role's keys in a root by k (threshold 1).
func setRoleKey(r *metadata.Metadata[metadata.RootType], role string, k crypto.Signer) error {
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

// repo starts targets/snapshot/timestamp at version v from the side's
// latest root.
func (s *side) repo(ref time.Time, v int64) (*repo.TUFRepo, error) {
	r, err := s.base(ref)
	if err != nil {
		return nil, err
	}
	root, err := metadata.Root().FromBytes(s.rootHist[len(s.rootHist)-1])
	if err != nil {
		return nil, err
	}
	r.Root = root
	r.RootHistory = slices.Clone(s.rootHist)
	for role, ks := range s.keys {
		r.Keys[role] = slices.Clone(ks)
	}
	r.Targets.Signed.Version, r.Snapshot.Signed.Version, r.Timestamp.Signed.Version = v, v, v
	return r, nil
}

// hooks change a role's signed bytes before the next role records them.
type hooks map[string]func([]byte) ([]byte, error)

// serve signs r (delegated roles, targets, snapshot, timestamp) and puts
// it into files under prefix: metadata with consistent-snapshot names
// beside the plain ones, targets/ under each listed hash and the plain name.
func serve(files map[string][]byte, prefix string, r *repo.TUFRepo, h hooks) error {
	hook := func(role string, b []byte) ([]byte, error) {
		if f := h[role]; f != nil {
			return f(b)
		}
		return b, nil
	}
	meta := func(v int64, b []byte) *metadata.MetaFiles {
		mf := metadata.MetaFile(v)
		mf.Length = int64(len(b))
		sum := sha256.Sum256(b)
		mf.Hashes = metadata.Hashes{"sha256": sum[:]}
		return mf
	}
	put := func(role string, v int64, b []byte) {
		files[prefix+""+role+".json"] = b
		files[fmt.Sprintf("%s%d.%s.json", prefix, v, role)] = b
	}
	r.Snapshot.Signed.Meta = map[string]*metadata.MetaFiles{}
	for _, n := range slices.Sorted(maps.Keys(r.Delegated)) {
		m := r.Delegated[n]
		b, err := signMeta(m, r.Keys[n]...)
		if err != nil {
			return err
		}
		if b, err = hook(n, b); err != nil {
			return err
		}
		put(n, m.Signed.Version, b)
		r.Snapshot.Signed.Meta[n+".json"] = meta(m.Signed.Version, b)
	}
	b, err := signMeta(r.Targets, r.Keys[metadata.TARGETS]...)
	if err != nil {
		return err
	}
	if b, err = hook(metadata.TARGETS, b); err != nil {
		return err
	}
	put(metadata.TARGETS, r.Targets.Signed.Version, b)
	r.Snapshot.Signed.Meta["targets.json"] = meta(r.Targets.Signed.Version, b)
	if b, err = signMeta(r.Snapshot, r.Keys[metadata.SNAPSHOT]...); err != nil {
		return err
	}
	if b, err = hook(metadata.SNAPSHOT, b); err != nil {
		return err
	}
	put(metadata.SNAPSHOT, r.Snapshot.Signed.Version, b)
	r.Timestamp.Signed.Meta = map[string]*metadata.MetaFiles{"snapshot.json": meta(r.Snapshot.Signed.Version, b)}
	if b, err = signMeta(r.Timestamp, r.Keys[metadata.TIMESTAMP]...); err != nil {
		return err
	}
	if b, err = hook(metadata.TIMESTAMP, b); err != nil {
		return err
	}
	files[prefix+"timestamp.json"] = b
	for i, rb := range r.RootHistory {
		files[fmt.Sprintf("%s%d.root.json", prefix, i+1)] = rb
	}
	files[prefix+"root.json"] = r.RootHistory[len(r.RootHistory)-1]
	for p, data := range r.Files {
		putTarget(files, prefix, p, data)
	}
	return nil
}

// putTarget serves data as target p under its plain name and under the
// consistent-snapshot name of its SHA-256 and SHA-512.
func putTarget(files map[string][]byte, prefix, p string, data []byte) {
	h256, h512 := sha256.Sum256(data), sha512.Sum512(data)
	files[prefix+"targets/"+p] = data
	files[prefix+"targets/"+hex.EncodeToString(h256[:])+"."+p] = data
	files[prefix+"targets/"+hex.EncodeToString(h512[:])+"."+p] = data
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

// metaPaths are the served names of role's metadata under prefix (plain
// and versioned).
func metaPaths(files map[string][]byte, prefix, role string) []string {
	var out []string
	for k := range files {
		if k == prefix+""+role+".json" {
			out = append(out, k)
			continue
		}
		var v int
		var rest string
		if n, _ := fmt.Sscanf(k, prefix+"%d.%s", &v, &rest); n == 2 && rest == role+".json" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// targetPaths are the served names of image p.
func targetPaths(files map[string][]byte, p string) []string {
	var out []string
	for k := range files {
		if k == ImagePrefix+"targets/"+p || (len(k) > len(ImagePrefix+"targets/")+len(p)+1 && k[len(k)-len(p)-1:] == "."+p && k[:len(ImagePrefix+"targets/")] == ImagePrefix+"targets/") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
