package verifiercheck

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"slices"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/transcript"
)

// GatherOptions say which live repository to verify for a bundle.
type GatherOptions struct {
	RepoURL   string
	TrustFile string // TUF root.json or root public key (check's --repo-trust, default --trust)
	CAFile    string
	Profile   verifier.Profile // empty: detected from TrustFile
	// TimeSource names where the input's reference time came from.
	TimeSource string
	Tool       string
	// Options, when set, is applied last to adjust anything (limits, state).
	Options func(*verifier.Options)
}

// Gather verifies the live repository (or repositories: one per option, e.g.
// the TUF and the manifest profile of the same release) that should serve the
// bundle's release and records the transcript as live evidence in in.Live,
// marked in in.Gathered (measured by this process, so authentic without a
// signature), where the verifier checks find it: one run as a Transcript, several as a
// Set. The device identity (product, hardware) is the
// one the bundle's manifest names; TUF runs download every artefact of the
// bundle, manifest runs every artefact of the live manifest. The error is
// non-nil only when the verifier could not run.
func Gather(ctx context.Context, in *checks.Input, opts ...GatherOptions) ([]*transcript.Run, error) {
	var runs []*transcript.Run
	for _, o := range opts {
		t, err := gatherOne(ctx, in, o)
		if err != nil {
			return nil, err
		}
		runs = append(runs, t)
	}
	if len(runs) == 0 {
		return nil, nil
	}
	if in.Live == nil {
		in.Live = map[string][]byte{}
	}
	if len(runs) == 1 {
		in.Live[TranscriptPath] = runs[0].JSON()
	} else {
		in.Live[TranscriptPath] = transcript.NewSet(runs...).JSON()
	}
	if in.Gathered == nil {
		in.Gathered = map[string]bool{}
	}
	in.Gathered[TranscriptPath] = true
	return runs, nil
}

// Seal replaces a transcript Gather recorded with its attestation signed by
// signer (the certificate at certPath, CERT and CERT.sig, when given,
// travels with it), so that what a dossier encloses is judged again from
// the file exactly as it was judged now. Call it before any check reads
// the input.
func Seal(in *checks.Input, signer *keys.PrivateKey, certPath string) error {
	if !in.Gathered[TranscriptPath] {
		return nil
	}
	var cert *attest.Certificate
	if certPath != "" {
		var err error
		if cert, err = attest.LoadCertificate(certPath, signer.Public()); err != nil {
			return err
		}
	}
	b, err := transcript.Sign(in.Live[TranscriptPath], signer, cert)
	if err != nil {
		return err
	}
	in.Live[TranscriptPath] = b
	delete(in.Gathered, TranscriptPath)
	return nil
}

func gatherOne(ctx context.Context, in *checks.Input, o GatherOptions) (*transcript.Run, error) {
	vo := verifier.Options{RepoURL: o.RepoURL, TrustFile: o.TrustFile, CAFile: o.CAFile, Profile: o.Profile,
		ReferenceTime: in.RefTime, TimeSource: o.TimeSource, Tool: o.Tool}
	if in.Bundle != nil && in.Bundle.Index != nil {
		if m, err := in.Manifest(); err == nil {
			vo.Product = m.Product
			if len(m.HardwareIDs) > 0 {
				hw := slices.Clone(m.HardwareIDs)
				slices.Sort(hw)
				vo.HardwareID = hw[0]
			}
		}
		for _, it := range in.Bundle.Index.ByRole(bundle.RoleArtefact) {
			vo.Targets = append(vo.Targets, path.Base(it.Path))
		}
	}
	profile := o.Profile
	if profile == "" {
		if b, err := readTrust(o.TrustFile); err == nil {
			profile, _ = verifier.DetectProfile(b)
		}
	}
	if profile == verifier.ProfileManifest {
		vo.Targets = nil // the live manifest says what to download
	}
	if o.Options != nil {
		o.Options(&vo)
	}
	return verifier.Verify(ctx, vo)
}

func readTrust(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// Hook is Gather as a judge.Options.Gather step for one repository; seal,
// when set, runs after it (e.g. a dossier signing what was gathered).
func Hook(o GatherOptions, seal func(*checks.Input) error) func(context.Context, *checks.Input) error {
	return func(ctx context.Context, in *checks.Input) error {
		if _, err := Gather(ctx, in, o); err != nil {
			return fmt.Errorf("--repo %s: %w", o.RepoURL, err)
		}
		if seal != nil {
			return seal(in)
		}
		return nil
	}
}
