package primarytest

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/evidence/uptane"
)

// Options describe a deployment.
type Options struct {
	Dialect   uptane.Dialect   // default DialectTUF
	Algorithm uptane.Algorithm // default Ed25519
	Expires   time.Time        // default 2030-01-01
	ECUs      []primary.ECU
	// Images maps an image name to its bytes (all in the Image repository).
	Images map[string][]byte
	// Assign maps an ECU serial to the image the Director assigns it.
	Assign map[string]string
	// ReleaseCounters maps an image name to its release counter (absent:
	// none written).
	ReleaseCounters map[string]int64
	// NoDirectorTimestamp publishes the Director as aktualizr does: root
	// and targets only.
	NoDirectorTimestamp bool
}

// Deployment is a written deployment: DirectorDir and ImageDir hold the
// metadata at the top (N.root.json, root.json, timestamp.json, ...), the
// images under ImageDir/targets/.
type Deployment struct {
	Dir, DirectorDir, ImageDir string
	Opt                        Options
	// Keys by "director/root", "image/targets", ...
	Keys map[string]*uptane.PrivateKey
	// Versions of each role written last.
	Versions map[string]int64
}

// Build writes a deployment into dir (made if absent).
func Build(dir string, o Options) (*Deployment, error) {
	if o.Dialect == "" {
		o.Dialect = uptane.DialectTUF
	}
	if o.Algorithm == "" {
		o.Algorithm = uptane.Ed25519
	}
	if o.Expires.IsZero() {
		o.Expires = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	d := &Deployment{Dir: dir, DirectorDir: filepath.Join(dir, "director"), ImageDir: filepath.Join(dir, "image"), Opt: o,
		Keys: map[string]*uptane.PrivateKey{}, Versions: map[string]int64{}}
	for _, repo := range []string{"director", "image"} {
		for _, role := range []string{"root", "timestamp", "snapshot", "targets"} {
			k, err := uptane.GenerateKey(o.Algorithm, o.Dialect, nil)
			if err != nil {
				return nil, err
			}
			d.Keys[repo+"/"+role] = k
		}
	}
	if err := os.MkdirAll(filepath.Join(d.ImageDir, "targets"), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(d.DirectorDir, 0o755); err != nil {
		return nil, err
	}
	for _, repo := range []string{"director", "image"} {
		if err := d.WriteRoot(repo, 1); err != nil {
			return nil, err
		}
	}
	for name, b := range o.Images {
		if err := d.writeImage(name, b); err != nil {
			return nil, err
		}
	}
	if err := d.WriteImageRepo(1); err != nil {
		return nil, err
	}
	if err := d.WriteDirector(1); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Deployment) dirOf(repo string) string {
	if repo == "director" {
		return d.DirectorDir
	}
	return d.ImageDir
}

// Root is the signed part of repo's root at version v.
func (d *Deployment) Root(repo string, v int64) uptane.Root {
	r := uptane.Root{Common: uptane.Common{Version: v, Expires: d.Opt.Expires}, Keys: map[string]*uptane.Key{}, Roles: map[string]uptane.Role{}}
	for _, role := range []string{"root", "timestamp", "snapshot", "targets"} {
		if repo == "director" && d.Opt.NoDirectorTimestamp && (role == "timestamp" || role == "snapshot") {
			continue
		}
		k := d.Keys[repo+"/"+role]
		r.Keys[k.ID] = k.Public
		r.Roles[role] = uptane.Role{KeyIDs: []string{k.ID}, Threshold: 1}
	}
	return r
}

// WriteRoot writes N.root.json and root.json of repo, signed by its root key.
func (d *Deployment) WriteRoot(repo string, v int64) error {
	b, err := uptane.Sign(d.Root(repo, v), d.Opt.Dialect, d.Keys[repo+"/root"])
	if err != nil {
		return err
	}
	d.Versions[repo+"/root"] = v
	if err := os.WriteFile(filepath.Join(d.dirOf(repo), fmt.Sprintf("%d.root.json", v)), b, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d.dirOf(repo), "root.json"), b, 0o644)
}

func hashes(b []byte) uptane.Hashes {
	s2 := sha256.Sum256(b)
	s5 := sha512.Sum512(b)
	return uptane.Hashes{"sha256": hex.EncodeToString(s2[:]), "sha512": hex.EncodeToString(s5[:])}
}

// custom builds a custom object in the deployment's dialect.
func (d *Deployment) custom(fields map[string]any) json.RawMessage {
	b, _ := json.Marshal(fields)
	return b
}

// ImageTargets is the Image repository's targets map.
func (d *Deployment) ImageTargets() map[string]uptane.TargetFile {
	out := map[string]uptane.TargetFile{}
	hw := map[string][]string{}
	for serial, img := range d.Opt.Assign {
		for _, e := range d.Opt.ECUs {
			if e.Serial == serial {
				hw[img] = append(hw[img], e.HardwareID)
			}
		}
	}
	for name, b := range d.Opt.Images {
		f := map[string]any{}
		ids := hw[name]
		sort.Strings(ids)
		if d.Opt.Dialect == uptane.DialectOTA {
			if len(ids) > 0 {
				f[uptane.FieldHardwareIDsOTA] = ids
			}
			if rc, ok := d.Opt.ReleaseCounters[name]; ok {
				f[uptane.FieldReleaseCounterOTA] = rc
			}
		} else {
			if len(ids) > 0 {
				f[uptane.FieldHardwareIDs] = ids
			}
			if rc, ok := d.Opt.ReleaseCounters[name]; ok {
				f[uptane.FieldReleaseCounter] = rc
			}
		}
		out[name] = uptane.TargetFile{Length: int64(len(b)), Hashes: hashes(b), Custom: d.custom(f)}
	}
	return out
}

// DirectorTargets is the Director's targets map: one target per ECU.
func (d *Deployment) DirectorTargets() map[string]uptane.TargetFile {
	out := map[string]uptane.TargetFile{}
	for _, e := range d.Opt.ECUs {
		img, ok := d.Opt.Assign[e.Serial]
		if !ok {
			continue
		}
		b := d.Opt.Images[img]
		f := map[string]any{}
		if d.Opt.Dialect == uptane.DialectOTA {
			f[uptane.FieldECUIdentifiers] = map[string]any{e.Serial: map[string]string{uptane.FieldHardwareIDOTA: e.HardwareID}}
			if rc, ok := d.Opt.ReleaseCounters[img]; ok {
				f[uptane.FieldReleaseCounterOTA] = rc
			}
		} else {
			f[uptane.FieldECUSerial] = e.Serial
			f[uptane.FieldHardwareID] = e.HardwareID
			if rc, ok := d.Opt.ReleaseCounters[img]; ok {
				f[uptane.FieldReleaseCounter] = rc
			}
		}
		out[img] = uptane.TargetFile{Length: int64(len(b)), Hashes: hashes(b), Custom: d.custom(f)}
	}
	return out
}

// Sign signs a signed part with repo's key for role.
func (d *Deployment) Sign(repo, role string, signed any) ([]byte, error) {
	return uptane.Sign(signed, d.Opt.Dialect, d.Keys[repo+"/"+role])
}

// WriteFile writes a metadata file into repo's folder.
func (d *Deployment) WriteFile(repo, name string, b []byte) error {
	return os.WriteFile(filepath.Join(d.dirOf(repo), name), b, 0o644)
}

// WriteTargetsSet writes targets (version v) then snapshot and timestamp
// (version v) of repo; the Director without them when so configured.
func (d *Deployment) WriteTargetsSet(repo string, v int64, targets map[string]uptane.TargetFile) error {
	tb, err := d.Sign(repo, "targets", uptane.Targets{Common: uptane.Common{Version: v, Expires: d.Opt.Expires}, Targets: targets})
	if err != nil {
		return err
	}
	if err := d.WriteFile(repo, "targets.json", tb); err != nil {
		return err
	}
	d.Versions[repo+"/targets"] = v
	if repo == "director" && d.Opt.NoDirectorTimestamp {
		return nil
	}
	sb, err := d.Sign(repo, "snapshot", uptane.Snapshot{Common: uptane.Common{Version: v, Expires: d.Opt.Expires},
		Meta: map[string]uptane.MetaFile{"targets.json": {Version: v, Length: int64(len(tb)), Hashes: hashes(tb)}}})
	if err != nil {
		return err
	}
	if err := d.WriteFile(repo, "snapshot.json", sb); err != nil {
		return err
	}
	ts, err := d.Sign(repo, "timestamp", uptane.Timestamp{Common: uptane.Common{Version: v, Expires: d.Opt.Expires},
		Meta: map[string]uptane.MetaFile{"snapshot.json": {Version: v, Length: int64(len(sb)), Hashes: hashes(sb)}}})
	if err != nil {
		return err
	}
	d.Versions[repo+"/snapshot"], d.Versions[repo+"/timestamp"] = v, v
	return d.WriteFile(repo, "timestamp.json", ts)
}

// WriteImageRepo writes the Image repository's targets set at version v.
func (d *Deployment) WriteImageRepo(v int64) error {
	return d.WriteTargetsSet("image", v, d.ImageTargets())
}

// WriteDirector writes the Director's targets set at version v.
func (d *Deployment) WriteDirector(v int64) error {
	return d.WriteTargetsSet("director", v, d.DirectorTargets())
}

// SetImage adds or replaces an image (bytes in targets/) without
// re-signing anything.
func (d *Deployment) SetImage(name string, b []byte) error {
	if d.Opt.Images == nil {
		d.Opt.Images = map[string][]byte{}
	}
	d.Opt.Images[name] = b
	return d.writeImage(name, b)
}

func (d *Deployment) writeImage(name string, b []byte) error {
	p := filepath.Join(d.ImageDir, "targets", filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}
