package verifier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"

	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/checks/verifier/transport"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

// readTrust returns data, or reads file (a trust anchor).
func readTrust(data []byte, file, what string) ([]byte, error) {
	if data != nil {
		return data, nil
	} else if file == "" {
		return nil, couldNotRun("no %strust file given", what)
	}
	b, err := readLimited(file, maxTrustFile)
	if err != nil {
		return nil, couldNotRun("%strust file: %v", what, err)
	}
	return b, nil
}

// uptaneTrust reads an Uptane root (data or file) and describes it.
func uptaneTrust(data []byte, file, what string) ([]byte, *transcript.TrustInfo, error) {
	data, err := readTrust(data, file, what+" ")
	if err != nil {
		return nil, nil, err
	}
	m, err := uptane.Decode(data)
	var r *uptane.Root
	if err == nil {
		r, err = m.Root()
	}
	if err != nil {
		return nil, nil, couldNotRun("%s trust file %s: %v", what, file, err)
	}
	h := sha256.Sum256(data)
	return data, &transcript.TrustInfo{Kind: ProfileUptane, SHA256: hex.EncodeToString(h[:]), Version: r.Version}, nil
}

// uptane runs the Uptane profile: RepoURL is the Director, ImageRepoURL
// the Image repository (images at ImageRepoURL/targets/).
func (r *run) uptane(dTrust, iTrust []byte, iu *url.URL) error {
	o := r.o
	if iu != nil && !r.checkScheme(iu) {
		return nil
	}
	var st *primary.State
	if o.StateDir != "" {
		s, err := primary.LoadState(o.StateDir)
		if err != nil {
			return couldNotRun("state directory: %v", err)
		}
		st, r.t.StateUsed = s, true
	}
	l := r.lim
	out, err := primary.Verify(primary.Config{
		Director: httpSource{r: r, base: o.RepoURL, repo: "director"}, Image: httpSource{r: r, base: o.ImageRepoURL, repo: "image"},
		DirectorTrust: dTrust, ImageTrust: iTrust, ECUs: o.ECUs, Partial: o.Partial, ReferenceTime: r.ref, State: st,
		FetchTargets: o.ImageRepoURL != "", Run: r.t,
		Limits: primary.Limits{MaxRootRotations: int(l.MaxRootRotations), MaxDelegations: l.MaxDelegations, Root: l.RootMaxLength,
			Timestamp: l.TimestampMaxLength, Snapshot: l.SnapshotMaxLength, Targets: l.TargetsMaxLength, TargetFile: l.TargetMaxLength}})
	if err != nil {
		return &RunError{Err: err}
	}
	r.t.Deviations, r.t.Versions = out.Deviations, out.Versions
	r.t.Targets = out.TranscriptTargets(o.ImageRepoURL)
	if o.StateDir != "" {
		if err := out.State.Save(o.StateDir); err != nil {
			r.t.Add(transcript.Step{ID: "state/write", Control: transcript.ControlRollback, ENISAStep: 3, Verdict: transcript.Fail,
				Detail: "could not keep the trusted state for the next run: " + err.Error()})
		}
	}
	if out.OK(o.Partial) && o.TargetDir != "" {
		if err := out.WriteImages(o.TargetDir); err != nil {
			return &RunError{Err: err}
		}
	}
	return nil
}

// httpSource is one Uptane repository over the verifier's bounded client:
// metadata at BASE/NAME, images at BASE/targets/NAME.
type httpSource struct {
	r          *run
	base, repo string
}

func (s httpSource) Metadata(name string, limit int64) ([]byte, error) {
	return s.get(joinURL(s.base, name), s.repo+" "+name, limit)
}

func (s httpSource) Target(name string, limit int64) ([]byte, error) {
	return s.get(primary.ImageURL(s.base, name), s.repo+" image "+name, limit)
}

func (s httpSource) get(u, purpose string, limit int64) ([]byte, error) {
	if s.base == "" {
		return nil, fmt.Errorf("%s: no URL given: %w", s.repo, primary.ErrNotFound)
	}
	b, err := s.r.c.Get(u, purpose, limit)
	if err == nil {
		return b, nil
	}
	if isNotFound(err) {
		return nil, fmt.Errorf("%w: %v", primary.ErrNotFound, err)
	}
	if e := s.r.fetchErr(err, purpose, 4); !errors.Is(e, errStop) {
		return nil, &primary.FatalError{Err: e}
	}
	var te *transport.Error
	if errors.As(err, &te) && te.Kind == transcript.KindTooLarge {
		return nil, fmt.Errorf("%w: %v", primary.ErrTooLarge, err)
	}
	return nil, err
}

// verifyUptane checks the Uptane options and trust anchors, then runs.
func verifyUptane(ctx context.Context, o Options) (*transcript.Run, error) {
	dTrust, dInfo, err := uptaneTrust(o.TrustData, o.TrustFile, "Director")
	if err != nil {
		return nil, err
	}
	if len(o.ECUs) == 0 {
		return nil, couldNotRun("no ECU given (SERIAL=HARDWARE_ID)")
	}
	var iTrust []byte
	var iInfo *transcript.TrustInfo
	var iu *url.URL
	if !o.Partial || o.ImageRepoURL != "" {
		if iTrust, iInfo, err = uptaneTrust(o.ImageTrustData, o.ImageTrustFile, "Image repository"); err != nil {
			return nil, err
		}
		if iu, err = url.Parse(o.ImageRepoURL); o.ImageRepoURL == "" || err != nil || iu.Host == "" {
			return nil, couldNotRun("Image repository URL %q is not an absolute URL", o.ImageRepoURL)
		}
	}
	t, err := verifyCommon(ctx, o, func(r *run) error { return r.uptane(dTrust, iTrust, iu) })
	if t != nil {
		t.Trust, t.ImageTrust, t.ImageRepository, t.Partial = *dInfo, iInfo, o.ImageRepoURL, o.Partial
		for _, e := range o.ECUs {
			t.ECUs = append(t.ECUs, transcript.ECU{Serial: e.Serial, HardwareID: e.HardwareID})
		}
	}
	return t, err
}
