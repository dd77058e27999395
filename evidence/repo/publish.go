package repo

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
)

// TUFOptions configure the TUF half of a published repository.
type TUFOptions struct {
	// KeysDir holds one PEM private key per top-level role (root.key,
	// targets.key, snapshot.key, timestamp.key); missing ones are made
	// (ECDSA P-256) and written there with their .pub.
	KeysDir string
	// Now stamps the metadata (SOURCE_DATE_EPOCH or the wall clock); Expiry
	// sets each role's validity (zero: DefaultExpiry).
	Now    time.Time
	Expiry Expiry
	// Version of targets, snapshot and timestamp (default 1); a later
	// release republished into the same keys should raise it.
	Version int64
	// Passphrase opens passphrase-protected role keys (nil: they are refused).
	Passphrase keys.Passphrase
}

// PublishOptions say what to lay out.
type PublishOptions struct {
	Force bool
	// TUF, when set, adds metadata/ and targets/ beside the manifest layout.
	TUF *TUFOptions
	// Uptane, when set, adds an Uptane deployment (UptaneDir) beside it.
	Uptane *UptaneOptions
}

// TrustRootPath is where a TUF repository's initial root lies in a
// published directory; a device is provisioned with it.
const TrustRootPath = "metadata/1.root.json"

// PublishManifest lays out a bundle as a manifest-profile repository.
func PublishManifest(bundleDir, outDir string, force bool) error {
	return Publish(bundleDir, outDir, PublishOptions{Force: force})
}

// PublishTUF lays out a bundle as a manifest-profile and a TUF repository.
func PublishTUF(bundleDir, outDir string, force bool, o TUFOptions) error {
	return Publish(bundleDir, outDir, PublishOptions{Force: force, TUF: &o})
}

// Publish reads the bundle (every file checked against its index) and
// writes the repository atomically into outDir.
func Publish(bundleDir, outDir string, o PublishOptions) error {
	b, err := bundle.Open(bundleDir, bundle.VerifyOptions{})
	if err != nil {
		return fmt.Errorf("bundle %s: %w", bundleDir, err)
	}
	if b.Index == nil {
		return fmt.Errorf("bundle %s: %s", bundleDir, problems(b))
	}
	// The root key is not known here: only the signer's authentication is
	// left open; any other problem (a changed or extra file) refuses.
	for _, p := range b.Problems {
		if strings.Contains(p.Reason, "no trusted root key") {
			continue
		}
		return fmt.Errorf("bundle %s: %s", bundleDir, p)
	}
	files := map[string][]byte{}
	for _, p := range []string{bundle.ManifestFile, bundle.ManifestSig, bundle.VendorCert, bundle.VendorCertSig, bundle.SignerKey} {
		data, err := readItem(b, p)
		if err != nil {
			return fmt.Errorf("bundle %s: %w", bundleDir, err)
		}
		files[p] = data
	}
	arts := b.Index.ByRole(bundle.RoleArtefact)
	if len(arts) == 0 {
		return fmt.Errorf("bundle %s: no artefacts", bundleDir)
	}
	for _, it := range arts {
		data, err := readItem(b, it.Path)
		if err != nil {
			return fmt.Errorf("bundle %s: %w", bundleDir, err)
		}
		files[it.Path] = data
	}
	var tuf *TUFRepo
	if o.TUF != nil {
		if tuf, err = buildTUF(files, *o.TUF); err != nil {
			return err
		}
	}
	var up *UptaneRepos
	if o.Uptane != nil {
		if up, err = buildUptane(files, *o.Uptane); err != nil {
			return err
		}
	}
	st, err := atomicfs.NewDir(outDir, o.Force)
	if err != nil {
		return err
	}
	for p, data := range files {
		fp := filepath.Join(st.Path, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			st.Abort()
			return err
		}
		if err := os.WriteFile(fp, data, 0o644); err != nil {
			st.Abort()
			return err
		}
	}
	if tuf != nil {
		if err := tuf.Write(st.Path); err != nil {
			st.Abort()
			return err
		}
	}
	if up != nil {
		if err := up.Write(st.Path); err != nil {
			st.Abort()
			return err
		}
	}
	return st.Commit()
}

func problems(b *bundle.Bundle) string {
	var s []string
	for _, p := range b.Problems {
		s = append(s, p.String())
	}
	return strings.Join(s, "; ")
}

// readItem returns an item's bytes as they matched the index at Open.
// Items flagged only because no root key was given (signer, manifest chain)
// still carry the bytes that were signed; their signatures are the
// device's business. CopyItem serves them, verified, without re-reading what
// Open kept.
func readItem(b *bundle.Bundle, p string) ([]byte, error) {
	if !b.Bad(p) {
		return b.Read(p)
	}
	if !b.Matched(p) {
		return nil, fmt.Errorf("%s: differs from %s", p, bundle.IndexFile)
	}
	var buf bytes.Buffer
	if _, err := b.CopyItem(&buf, p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func buildTUF(files map[string][]byte, o TUFOptions) (*TUFRepo, error) {
	if o.KeysDir == "" {
		return nil, errors.New("--tuf needs a keys directory")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Expiry == (Expiry{}) {
		o.Expiry = DefaultExpiry
	}
	signers := map[string]crypto.Signer{}
	for _, role := range TopLevelRoles {
		k, err := roleKey(o.KeysDir, role, o.Passphrase)
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
	for p, data := range files {
		if strings.HasPrefix(p, bundle.ArtefactDir) {
			if err := r.AddTarget("targets", path.Base(p), data); err != nil {
				return nil, err
			}
		}
	}
	// The manifest travels as a target too, so a TUF client gets the
	// release's signed description with the same guarantees.
	if err := r.AddTarget("targets", bundle.ManifestFile, files[bundle.ManifestFile]); err != nil {
		return nil, err
	}
	return r, nil
}

// roleKey loads KeysDir/ROLE.key or makes it.
func roleKey(dir, role string, pass keys.Passphrase) (*keys.PrivateKey, error) {
	p := filepath.Join(dir, role+".key")
	if k, err := keys.LoadSigner(p, keys.SignerOptions{Passphrase: pass}); err == nil {
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	k, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		return nil, err
	}
	pemb, err := k.MarshalPEM()
	if err != nil {
		return nil, err
	}
	if err := atomicfs.WriteFile(p, pemb, 0o600, false); err != nil {
		return nil, err
	}
	if err := atomicfs.WriteFile(filepath.Join(dir, role+".pub"), k.Public().MarshalPEM(), 0o644, false); err != nil {
		return nil, err
	}
	return k, nil
}
