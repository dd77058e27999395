package clients

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/transcript"
)

// TUFRootFile is the trusted root a TUF client keeps in its metadata folder.
const TUFRootFile = "root.json"

// TUFInit trusts the TUF root at rootPath: it must parse as root metadata,
// and is copied to metaDir/root.json (metaDir is made if absent).
func TUFInit(metaDir, rootPath string) error {
	b, err := os.ReadFile(rootPath)
	if err != nil {
		return err
	}
	if _, err := metadata.Root().FromBytes(b); err != nil {
		return fmt.Errorf("%s: %v", rootPath, err)
	}
	if err := os.MkdirAll(metaDir, 0o700); err != nil {
		return err
	}
	return atomicfs.WriteFile(filepath.Join(metaDir, TUFRootFile), b, 0o644, true)
}

// TUFOptions are the tuf-conformance client's arguments.
type TUFOptions struct {
	// MetadataDir holds the trusted metadata between runs (root.json ...).
	MetadataDir string
	MetadataURL string
	// Download asks for targets after the refresh: TargetNames, in order,
	// from TargetBaseURL into TargetDir, all three required. One verifier
	// run (one updater instance) handles them all and stops at the first
	// that fails; the ones before it stay delivered.
	Download                 bool
	TargetNames              []string
	TargetBaseURL, TargetDir string
	// CAFile pins the CA of an https repository (not part of the protocol).
	CAFile string
	// Verifier carries the reference time, its source and the tool name;
	// the fields above override its repository, trust and target fields.
	Verifier verifier.Options
}

// TUFUpdate refreshes the metadata in o.MetadataDir from o.MetadataURL and,
// with o.Download, downloads and verifies it into o.TargetDir. Plain
// http is accepted (the conformance suite serves it) and the failed scheme
// control is then not held against the client. The transcript is returned
// whenever the verifier ran; the error is the first failing step.
func TUFUpdate(ctx context.Context, o TUFOptions) (*transcript.Run, error) {
	if o.MetadataDir == "" || o.MetadataURL == "" {
		return nil, errors.New("--metadata-dir and --metadata-url are required")
	}
	v := o.Verifier
	v.RepoURL, v.MetadataURL, v.TrustFile, v.TrustData = o.MetadataURL, o.MetadataURL, filepath.Join(o.MetadataDir, TUFRootFile), nil
	v.StateDir, v.Profile, v.AllowInsecureHTTPUnsafe, v.CAFile = o.MetadataDir, verifier.ProfileTUF, true, o.CAFile
	if o.Download {
		if len(o.TargetNames) == 0 || slices.Contains(o.TargetNames, "") || o.TargetBaseURL == "" || o.TargetDir == "" {
			return nil, errors.New("download needs --target-name, --target-base-url and --target-dir")
		}
		v.Targets, v.TargetsURL, v.TargetDir = slices.Clone(o.TargetNames), o.TargetBaseURL, o.TargetDir
	}
	t, err := verifier.Verify(ctx, v)
	if err != nil {
		return nil, err
	}
	if s := tufFailure(t); s != nil {
		return t, fmt.Errorf("%s: %s", s.ID, s.Detail)
	}
	return t, nil
}

// tufFailure is the first failed step that counts for the protocol: the
// suite serves plain http, so the scheme control is not held against the
// client once it has a trusted root.
func tufFailure(t *transcript.Run) *transcript.Step {
	_, ran := t.Step("root/trusted")
	for i, s := range t.Steps {
		if s.Verdict == transcript.Fail && (s.ID != "transport/scheme" || !ran) {
			return &t.Steps[i]
		}
	}
	return nil
}

// SlotDir is where ManifestUpdate installs the artefacts, inside its out
// folder.
const SlotDir = "slot"

// ManifestUpdate does what a device does with a manifest-profile repository:
// it verifies the manifest chain, freshness, applicability and anti-rollback
// with o (its profile is forced to manifest), downloads and checks every
// artefact into a staging folder, and only when every step passed replaces
// out/slot with it: an attacker's file is never installed. A product or
// hardware ID that o leaves empty is taken from o.StateDir/device.json (see
// DeviceIdentity). The transcript is returned whenever the verifier ran.
func ManifestUpdate(ctx context.Context, o verifier.Options, out string) (*transcript.Run, error) {
	if o.TrustFile == "" || o.RepoURL == "" || o.StateDir == "" || out == "" {
		return nil, errors.New("--trust, --repo, --state and --out are required")
	}
	if err := DeviceIdentity(&o); err != nil {
		return nil, err
	}
	slot, err := atomicfs.NewDir(filepath.Join(out, SlotDir), true)
	if err != nil {
		return nil, err
	}
	o.TargetDir, o.Profile = slot.Path, verifier.ProfileManifest
	t, err := verifier.Verify(ctx, o)
	if err != nil {
		slot.Abort()
		return nil, err
	}
	if !t.OK() {
		slot.Abort()
		return t, fmt.Errorf("%s: %s", t.Failure.Step, t.Failure.Reason)
	}
	return t, slot.Commit()
}

// DeviceFile is the device identity the manifest-client protocol
// provisions in the state folder.
const DeviceFile = "device.json"

// DeviceIdentity fills the product and hardware ID that o leaves empty from
// o.StateDir/device.json ({"product": ..., "hardware_id": ...}). A missing
// file leaves them empty (applicability is then not checked and the
// transcript says so); an unreadable or incomplete one is an error.
func DeviceIdentity(o *verifier.Options) error {
	if o.Product != "" && o.HardwareID != "" {
		return nil
	}
	p := filepath.Join(o.StateDir, DeviceFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var d struct {
		Product    string `json:"product"`
		HardwareID string `json:"hardware_id"`
	}
	if err := json.Unmarshal(b, &d); err != nil || d.Product == "" || d.HardwareID == "" {
		return fmt.Errorf("%s: want {\"product\": ..., \"hardware_id\": ...}", p)
	}
	if o.Product == "" {
		o.Product = d.Product
	}
	if o.HardwareID == "" {
		o.HardwareID = d.HardwareID
	}
	return nil
}
