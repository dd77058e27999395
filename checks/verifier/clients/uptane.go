package clients

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

// The trusted roots an Uptane client keeps in its metadata folder (the
// names checks/verifier/primary keeps its state under).
const (
	UptaneDirectorRoot = "director-root.json"
	UptaneImageRoot    = "image-root.json"
)

// UptaneInit trusts the Director's and the Image repository's roots: each
// must decode as Uptane root metadata (either dialect) and is copied into
// metaDir (made if absent).
func UptaneInit(metaDir, directorRoot, imageRoot string) error {
	if err := os.MkdirAll(metaDir, 0o700); err != nil {
		return err
	}
	for src, dst := range map[string]string{directorRoot: UptaneDirectorRoot, imageRoot: UptaneImageRoot} {
		b, err := atomicfs.ReadFile(src, 1<<20)
		if err != nil {
			return err
		}
		m, err := uptane.Decode(b)
		if err == nil {
			_, err = m.Root()
		}
		if err != nil {
			return fmt.Errorf("%s: %v", src, err)
		}
		if err := atomicfs.WriteFile(filepath.Join(metaDir, dst), b, 0o644, true); err != nil {
			return err
		}
	}
	return nil
}

// UptaneUpdate is the reference Primary's update: full (or partial)
// verification of v.RepoURL (the Director) and v.ImageRepoURL with the
// state in metaDir; the verified images replace targetDir only when every
// step passed (deviations included). Plain http is accepted for harnesses
// and the failed scheme control is then not held against the client. The
// transcript is returned whenever the verifier ran.
func UptaneUpdate(ctx context.Context, v verifier.Options, metaDir, targetDir string) (*transcript.Run, error) {
	if v.RepoURL == "" || (v.ImageRepoURL == "" && !v.Partial) || metaDir == "" || targetDir == "" || len(v.ECUs) == 0 {
		return nil, errors.New("--director-url, --image-url (unless --partial), --metadata-dir, --target-dir and --ecu are required")
	}
	v.Profile, v.StateDir, v.AllowInsecureHTTPUnsafe = verifier.ProfileUptane, metaDir, true
	v.TrustFile, v.TrustData = filepath.Join(metaDir, UptaneDirectorRoot), nil
	v.ImageTrustFile, v.ImageTrustData = filepath.Join(metaDir, UptaneImageRoot), nil
	slot, err := atomicfs.NewDir(targetDir, true)
	if err != nil {
		return nil, err
	}
	v.TargetDir = slot.Path
	t, err := verifier.Verify(ctx, v)
	if err != nil {
		slot.Abort()
		return nil, err
	}
	for _, s := range t.Steps {
		if s.Verdict == transcript.Fail && s.ID != "transport/scheme" {
			slot.Abort()
			return t, fmt.Errorf("%s: %s", s.ID, s.Detail)
		}
	}
	return t, slot.Commit()
}
