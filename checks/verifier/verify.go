package verifier

import (
	"github.com/craudit/craudit/evidence/atomicfs"

	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/verifier/transport"

	"github.com/craudit/craudit/evidence/transcript"
)

// RunError means the verifier could not run (exit 2): an unusable trust
// anchor or CA, a malformed URL, an unreachable server.
type RunError struct{ Err error }

func (e *RunError) Error() string { return e.Err.Error() }
func (e *RunError) Unwrap() error { return e.Err }

func couldNotRun(format string, a ...any) error { return &RunError{Err: fmt.Errorf(format, a...)} }

// maxTrustFile bounds the trust anchor read from disk.
const maxTrustFile = 1 << 20

// Verify checks the repository and returns the transcript. The error is
// non-nil only when the verifier could not run; a verification failure is in
// the transcript (Verdict "failed", Failure naming the step).
func Verify(ctx context.Context, o Options) (*transcript.Run, error) {
	if o.Profile == ProfileUptane {
		return verifyUptane(ctx, o)
	}
	trust, err := readTrust(o.TrustData, o.TrustFile, "")
	if err != nil {
		return nil, err
	}
	if o.Profile == "" {
		p, err := DetectProfile(trust)
		if err != nil {
			return nil, couldNotRun("trust file %s: %v", o.TrustFile, err)
		}
		o.Profile = p
	}
	if o.Profile != ProfileTUF && o.Profile != ProfileManifest {
		return nil, couldNotRun("unknown profile %q (want tuf, manifest or uptane)", o.Profile)
	}
	return verifyCommon(ctx, o, func(r *run) error {
		if o.Profile == ProfileTUF {
			return r.tuf(trust)
		}
		return r.manifest(trust)
	})
}

// verifyCommon sets up the transcript, the transport client and the state
// folder, checks the repository URL's scheme, runs the profile and
// finishes the transcript.
func verifyCommon(ctx context.Context, o Options, profile func(*run) error) (*transcript.Run, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	u, err := url.Parse(o.RepoURL)
	if o.RepoURL == "" || err != nil || u.Host == "" {
		return nil, couldNotRun("repository URL %q is not an absolute URL", o.RepoURL)
	}
	ref, src := o.ReferenceTime, o.TimeSource
	if ref.IsZero() {
		ref, src = now(), "wall clock"
	} else if src == "" {
		src = "--reference-time"
	}
	start := now()
	t := &transcript.Run{Schema: transcript.Schema, Tool: o.Tool, Profile: o.Profile, Repository: o.RepoURL,
		ReferenceTime: ref.UTC(), TimeSource: src, Started: start.UTC(), InstalledVersion: o.InstalledVersion,
		StateUsed: o.StateDir != "", Versions: map[string]int64{}}
	topts := transport.Options{CAFile: o.CAFile, AllowInsecureHTTPUnsafe: o.AllowInsecureHTTPUnsafe,
		Timeout: o.Timeout, MinRate: o.MinRate, RateGrace: o.RateGrace, Now: o.Now, Resolve: o.Resolve}
	c, err := transport.New(ctx, topts)
	if err != nil {
		return nil, &RunError{Err: err}
	}
	defer c.Close()
	t.Transport = transcript.Transport{Scheme: u.Scheme, CA: "system", MaxRedirect: transport.DefaultMaxRedirects,
		TimeoutMS: orDur(o.Timeout, transport.DefaultTimeout).Milliseconds(), MinRate: orInt(o.MinRate, transport.DefaultMinRate)}
	if o.CAFile != "" {
		t.Transport.CA = "given"
	}
	if o.StateDir != "" {
		if err := os.MkdirAll(o.StateDir, 0o700); err != nil {
			return nil, couldNotRun("state directory: %v", err)
		}
	}
	r := &run{o: o, lim: o.Limits.withDefaults(), t: t, c: c, ref: ref.UTC()}
	if r.checkScheme(u) {
		if err := profile(r); err != nil {
			return nil, err
		}
	}
	r.finish(now().Sub(start))
	return t, nil
}

// run holds one verification's moving parts.
type run struct {
	o   Options
	lim Limits
	t   *transcript.Run
	c   *transport.Client
	ref time.Time
}

// errStop ends the workflow after a recorded failure.
var errStop = errors.New("stopped at a failed step")

// checkScheme records the scheme control; false means stop.
func (r *run) checkScheme(u *url.URL) bool {
	switch {
	case u.Scheme == "https":
		r.t.Add(transcript.Step{ID: "transport/scheme", Control: transcript.ControlTransport, ENISAStep: 3, Verdict: transcript.Pass, Detail: "https"})
		return true
	case u.Scheme == "http" && r.o.AllowInsecureHTTPUnsafe:
		r.t.Add(transcript.Step{ID: "transport/scheme", Control: transcript.ControlTransport, ENISAStep: 3, Verdict: transcript.Fail,
			Detail: "plain http allowed by --allow-insecure-http: no server authentication, no confidentiality"})
		return true
	default:
		r.t.Add(transcript.Step{ID: "transport/scheme", Control: transcript.ControlTransport, ENISAStep: 3, Verdict: transcript.Fail,
			Detail: fmt.Sprintf("scheme %q refused: a repository is reached over https only", u.Scheme)})
		return false
	}
}

// fetch downloads with a limit; a transport failure is recorded as a failed
// step (errStop), an unreachable server is a RunError.
func (r *run) fetch(rawURL, purpose string, limit int64, enisa int) ([]byte, error) {
	data, err := r.c.Get(rawURL, purpose, limit)
	if err == nil {
		return data, nil
	}
	return nil, r.fetchErr(err, purpose, enisa)
}

// fetchErr records a transport failure (errStop) or turns an unreachable
// server into a RunError.
func (r *run) fetchErr(err error, purpose string, enisa int) error {
	var te *transport.Error
	if errors.As(err, &te) && te.Kind == transcript.KindUnreachable {
		return &RunError{Err: err}
	}
	kind := transcript.KindOther
	if te != nil {
		kind = te.Kind
	}
	r.t.Add(transcript.Step{ID: "transport/" + string(kind), Control: transcript.ControlTransport, ENISAStep: enisa, Verdict: transcript.Fail,
		Detail: fmt.Sprintf("%s: %v", purpose, err)})
	return errStop
}

// isNotFound reports a 404 from fetch's underlying client (root chain end).
func isNotFound(err error) bool {
	var te *transport.Error
	return errors.As(err, &te) && te.Kind == transcript.KindNotFound
}

func (r *run) finish(d time.Duration) {
	t := r.t
	t.DurationMS = d.Milliseconds()
	t.Requests = r.c.Requests()
	// Where the repository was really reached (the metadata host when the
	// base URL itself was never contacted).
	for _, u := range []string{r.o.RepoURL, r.o.MetadataURL, r.o.TargetsURL} {
		if e := r.c.Contacted(u); u != "" && e != nil {
			t.Contacted = e
			break
		}
	}
	if t.Requests == nil {
		t.Requests = []transcript.Request{}
	}
	vs := r.c.TLSVersions()
	t.Transport.TLSVersions = vs
	if len(vs) > 0 {
		ca := "the system roots"
		if r.o.CAFile != "" {
			ca = "the given CA"
		}
		// Go's TLS client enforced these on every connection that succeeded.
		s := transcript.Step{ID: "transport/tls", Control: transcript.ControlTransport, ENISAStep: 4, Verdict: transcript.Pass,
			Detail: fmt.Sprintf("%s (minimum TLS 1.2); certificate chain to %s and host name verified at the wall clock; redirects bounded to %d, never to http",
				strings.Join(vs, ", "), ca, transport.DefaultMaxRedirects)}
		// Place it after the scheme step, where a reader expects it.
		t.Steps = append(t.Steps[:1], append([]transcript.Step{s}, t.Steps[1:]...)...)
	}
	if t.Steps == nil {
		t.Steps = []transcript.Step{}
	}
	t.Verdict = transcript.Verified
	for _, s := range t.Steps {
		if s.Verdict == transcript.Fail {
			t.Verdict = transcript.Failed
			break
		}
	}
}

// DetectProfile tells a TUF root.json from a PEM public key.
func DetectProfile(trust []byte) (Profile, error) {
	b := bytes.TrimSpace(trust)
	switch {
	case bytes.HasPrefix(b, []byte("{")) && bytes.Contains(b, []byte(`"signed"`)):
		return ProfileTUF, nil
	case bytes.HasPrefix(b, []byte("-----BEGIN PUBLIC KEY-----")):
		return ProfileManifest, nil
	}
	return "", errors.New("neither a TUF root.json nor a PEM public key")
}

func readLimited(path string, limit int64) ([]byte, error) { return atomicfs.ReadFile(path, limit) }

func orDur(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func orInt(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}

// joinURL appends a path to a base URL, with exactly one slash between.
func joinURL(base, p string) string {
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(p, "/")
}
