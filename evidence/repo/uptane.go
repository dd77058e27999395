package repo

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/uptane"
)

// Where an Uptane deployment lies in a published directory: the Director
// and the Image repository side by side, each a TUF repository served as
// the Uptane verifier reads one (metadata at the repository's URL, images
// at URL/targets/). A unit is provisioned with both initial roots.
const (
	UptaneDir             = "uptane"
	UptaneDirectorDir     = UptaneDir + "/director"
	UptaneImageDir        = UptaneDir + "/image"
	UptaneDirectorRoot    = UptaneDirectorDir + "/1.root.json"
	UptaneImageRoot       = UptaneImageDir + "/1.root.json"
	uptaneDirectorKeysDir = "director"
	uptaneImageKeysDir    = "image"
)

// ECU is one electronic control unit of the unit the Director serves.
type ECU struct {
	Serial     string
	HardwareID string
	// Image is the artefact (its base name) the Director assigns to the
	// ECU. Empty: the bundle's only artefact when the release names the
	// ECU's hardware ID, else nothing (the ECU keeps what it runs).
	Image string
}

// ParseECU reads SERIAL=HARDWARE_ID[=ARTEFACT].
func ParseECU(s string) (ECU, error) {
	parts := strings.Split(s, "=")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return ECU{}, fmt.Errorf("ECU %q: want SERIAL=HARDWARE_ID or SERIAL=HARDWARE_ID=ARTEFACT", s)
	}
	e := ECU{Serial: parts[0], HardwareID: parts[1]}
	if len(parts) == 3 {
		if parts[2] == "" {
			return ECU{}, fmt.Errorf("ECU %q: empty artefact name", s)
		}
		e.Image = parts[2]
	}
	return e, nil
}

// UptaneOptions configure an Uptane deployment (a Director for one unit and
// an Image repository) made from a bundle.
type UptaneOptions struct {
	// KeysDir holds director/ and image/, each with one PEM key per
	// top-level role (made, ECDSA P-256, when absent).
	KeysDir string
	// ECUs of the unit; serials are unique.
	ECUs []ECU
	// Now, Expiry, Version and Passphrase as for TUFOptions.
	Now        time.Time
	Expiry     Expiry
	Version    int64
	Passphrase keys.Passphrase
}

// UptaneRepos is an Uptane deployment under construction: two TUF
// repositories built with go-tuf's metadata API (the TUF 1.0 dialect).
type UptaneRepos struct {
	Director, Image *TUFRepo
}

// Write signs both repositories and writes them below dir (UptaneDir's
// layout, relative to dir's parent: dir is the published directory).
func (u *UptaneRepos) Write(dir string) error {
	if err := u.Director.Write(filepath.Join(dir, filepath.FromSlash(UptaneDirectorDir))); err != nil {
		return err
	}
	return u.Image.Write(filepath.Join(dir, filepath.FromSlash(UptaneImageDir)))
}

// UptaneImageTarget lists data as an Image repository target built for
// hardwareIDs at release counter counter, in the TUF 1.0 dialect's custom
// field names (hardware_ids, release_counter; evidence/uptane reads them).
func UptaneImageTarget(name string, data []byte, hardwareIDs []string, counter uint64) (*metadata.TargetFiles, error) {
	return uptaneTarget(name, data, map[string]any{uptane.FieldHardwareIDs: hardwareIDs, uptane.FieldReleaseCounter: counter})
}

// UptaneDirectorTarget lists data as a Director target for the ECU with
// serial and hardware ID hw at release counter counter (ecu_serial,
// hardware_id, release_counter).
func UptaneDirectorTarget(name string, data []byte, serial, hw string, counter uint64) (*metadata.TargetFiles, error) {
	return uptaneTarget(name, data, map[string]any{uptane.FieldECUSerial: serial, uptane.FieldHardwareID: hw, uptane.FieldReleaseCounter: counter})
}

func uptaneTarget(name string, data []byte, custom map[string]any) (*metadata.TargetFiles, error) {
	tf, err := metadata.TargetFile().FromBytes(name, data, "sha256", "sha512")
	if err != nil {
		return nil, err
	}
	if err := SetCustom(tf, custom); err != nil {
		return nil, err
	}
	return tf, nil
}

// SetCustom replaces a target's custom field.
func SetCustom(tf *metadata.TargetFiles, custom map[string]any) error {
	b, err := json.Marshal(custom)
	if err != nil {
		return err
	}
	raw := json.RawMessage(b)
	tf.Custom = &raw
	return nil
}

// buildUptane makes the Director (every ECU given an image gets one
// target naming its serial and hardware ID) and the Image repository (every
// artefact, for the release's hardware IDs) from a bundle's files.
func buildUptane(files map[string][]byte, o UptaneOptions) (*UptaneRepos, error) {
	if o.KeysDir == "" {
		return nil, errors.New("--uptane needs a keys directory")
	}
	if len(o.ECUs) == 0 {
		return nil, errors.New("--uptane needs the unit's ECUs (--ecu SERIAL=HARDWARE_ID)")
	}
	m, err := manifest.Parse(files[bundle.ManifestFile])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bundle.ManifestFile, err)
	}
	if m.RollbackCounter == nil {
		return nil, fmt.Errorf("%s: no rollback counter, which an Uptane release counter needs", bundle.ManifestFile)
	}
	counter := *m.RollbackCounter
	var arts []string
	for p := range files {
		if strings.HasPrefix(p, bundle.ArtefactDir) {
			arts = append(arts, path.Base(p))
		}
	}
	slices.Sort(arts)
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Expiry == (Expiry{}) {
		o.Expiry = DefaultExpiry
	}
	u := &UptaneRepos{}
	for _, side := range []struct {
		dir string
		r   **TUFRepo
	}{{uptaneDirectorKeysDir, &u.Director}, {uptaneImageKeysDir, &u.Image}} {
		signers := map[string]crypto.Signer{}
		for _, role := range TopLevelRoles {
			k, err := roleKey(filepath.Join(o.KeysDir, side.dir), role, o.Passphrase)
			if err != nil {
				return nil, err
			}
			signers[role] = k.Signer()
		}
		r, err := NewTUFRepo(o.Now, o.Expiry, signers, true)
		if err != nil {
			return nil, err
		}
		if o.Version > 1 {
			r.Targets.Signed.Version, r.Snapshot.Signed.Version, r.Timestamp.Signed.Version = o.Version, o.Version, o.Version
		}
		*side.r = r
	}
	u.Image.PlainTargets = true
	u.Director.FlatMetadata, u.Image.FlatMetadata = true, true
	for _, a := range arts {
		data := files[bundle.ArtefactDir+a]
		tf, err := UptaneImageTarget(a, data, m.HardwareIDs, counter)
		if err != nil {
			return nil, err
		}
		u.Image.Targets.Signed.Targets[a] = tf
		u.Image.Files[a] = data
	}
	seen := map[string]bool{}
	for _, e := range o.ECUs {
		if seen[e.Serial] {
			return nil, fmt.Errorf("ECU serial %s given twice", e.Serial)
		}
		seen[e.Serial] = true
		img := e.Image
		switch {
		case img != "" && !slices.Contains(arts, img):
			return nil, fmt.Errorf("ECU %s: the bundle has no artefact %s (it has %s)", e.Serial, img, strings.Join(arts, ", "))
		case img != "":
		case !slices.Contains(m.HardwareIDs, e.HardwareID):
			continue // the release is not for this ECU's hardware
		case len(arts) != 1:
			return nil, fmt.Errorf("ECU %s: the bundle has %d artefacts; name the ECU's image (--ecu SERIAL=HARDWARE_ID=ARTEFACT)", e.Serial, len(arts))
		default:
			img = arts[0]
		}
		tf, err := UptaneDirectorTarget(img, files[bundle.ArtefactDir+img], e.Serial, e.HardwareID, counter)
		if err != nil {
			return nil, err
		}
		if _, dup := u.Director.Targets.Signed.Targets[img]; dup {
			// One image for two ECUs: a Director target names one ECU, and
			// the TUF targets map keys by path.
			return nil, fmt.Errorf("ECU %s: artefact %s is already assigned to another ECU of the unit", e.Serial, img)
		}
		u.Director.Targets.Signed.Targets[img] = tf
	}
	if len(u.Director.Targets.Signed.Targets) == 0 {
		return nil, fmt.Errorf("no ECU of the unit has a hardware ID the release names (%s)", strings.Join(m.HardwareIDs, ", "))
	}
	return u, nil
}
