package verifier_test

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/fixtures/shared"

	"github.com/craudit/craudit/evidence/transcript"
)

// untar unpacks a .tar.gz of real test data into a temporary directory.
func untar(t testing.TB, archive string) string {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Clean(h.Name)
		if strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			t.Fatalf("archive entry %q leaves the folder", h.Name)
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(io.LimitReader(tr, 64<<20))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func readTrim(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func serve(t testing.TB, dir string) *repo.Server {
	t.Helper()
	s, err := repo.Serve(dir, "127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func parseFaketime(t testing.TB, s string) time.Time {
	t.Helper()
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05-07:00", "2006-01-02 15:04:05Z07:00"} {
		if at, err := time.Parse(layout, s); err == nil {
			return at
		}
	}
	t.Fatalf("cannot parse time %q", s)
	return time.Time{}
}

// TestSigstoreLive verifies the real Sigstore TUF repository: root chain
// 5 -> 15, timestamp, snapshot, targets, and the trusted_root.json target.
func TestSigstoreLive(t *testing.T) {
	archive := shared.Testdata(t, "tuf", "sigstore-root-signing-live.tar.gz")
	dir := filepath.Join(untar(t, archive), "sigstore-root-signing-live")
	ref := parseFaketime(t, readTrim(t, filepath.Join(dir, "REFERENCE_TIME")))
	target := readTrim(t, filepath.Join(dir, "targetpath"))
	s := serve(t, dir)
	opts := verifier.Options{RepoURL: s.URL, TrustFile: filepath.Join(dir, "initial_root.json"), CAFile: s.CAPath,
		Targets: []string{target}, ReferenceTime: ref}

	tests := []struct {
		name     string
		at       time.Time
		tamper   bool
		verdict  string
		failStep string
	}{
		{name: "verifies at its reference time", at: ref, verdict: transcript.Verified},
		{name: "expired a year later", at: ref.AddDate(1, 0, 0), verdict: transcript.Failed, failStep: "root/freshness"},
		{name: "timestamp expired a month later", at: ref.AddDate(0, 1, 0), verdict: transcript.Failed, failStep: "timestamp/freshness"},
		{name: "a changed target byte", at: ref, tamper: true, verdict: transcript.Failed, failStep: "target/integrity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tamper {
				matches, _ := filepath.Glob(filepath.Join(dir, "targets", "*."+target))
				if len(matches) != 1 {
					t.Fatalf("target file for %s: %v", target, matches)
				}
				b, _ := os.ReadFile(matches[0])
				orig := append([]byte(nil), b...)
				b[len(b)/2] ^= 1
				os.WriteFile(matches[0], b, 0o644)
				t.Cleanup(func() { os.WriteFile(matches[0], orig, 0o644) })
			}
			o := opts
			o.ReferenceTime = tc.at
			tr, err := verifier.Verify(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Verdict != tc.verdict {
				t.Fatalf("verdict %s, want %s; failure %+v", tr.Verdict, tc.verdict, tr.Failure)
			}
			if tc.failStep != "" && (tr.Failure == nil || tr.Failure.Step != tc.failStep) {
				t.Fatalf("failure %+v, want step %s", tr.Failure, tc.failStep)
			}
			if tc.verdict == transcript.Verified {
				if tr.Versions["root"] != 15 || tr.Versions["timestamp"] != 762 || tr.Versions["snapshot"] != 165 || tr.Versions["targets"] != 14 {
					t.Errorf("versions %v, want root 15, timestamp 762, snapshot 165, targets 14", tr.Versions)
				}
				n := 0
				for _, st := range tr.Steps {
					if st.ID == "root/signature" && st.Verdict == transcript.Pass {
						n++
					}
				}
				if n != 10 {
					t.Errorf("%d root rotations verified, want 10 (5 -> 15)", n)
				}
				if len(tr.Targets) != 1 || tr.Targets[0].Verdict != transcript.Pass || !strings.HasPrefix(tr.Targets[0].SHA256, "6494e21e") {
					t.Errorf("targets %+v", tr.Targets)
				}
				// The npm keys live in a delegated, terminating role.
				o.Targets = []string{"registry.npmjs.org/keys.json"}
				tr2, err := verifier.Verify(context.Background(), o)
				if err != nil || !tr2.OK() {
					t.Fatalf("delegated target: %v %+v", err, tr2.Failure)
				}
				if tr2.Targets[0].Role != "registry.npmjs.org" || tr2.Versions["registry.npmjs.org"] != 8 {
					t.Errorf("delegated target %+v, versions %v", tr2.Targets, tr2.Versions)
				}
				if _, ok := tr.Step("transport/tls"); !ok {
					t.Error("no transport/tls step")
				}
			}
		})
	}
}

// TestConformanceStatic verifies the two static repositories of the
// tuf-conformance suite at their faketime, with a delegated target.
func TestConformanceStatic(t *testing.T) {
	base := shared.Testdata(t, "tuf", "conformance-static")
	sig := filepath.Join(untar(t, filepath.Join(base, "sigstore-root-signing.tar.gz")), "sigstore-root-signing")
	for _, dir := range []string{sig, filepath.Join(base, "tuf-on-ci-0.11")} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ref := parseFaketime(t, readTrim(t, filepath.Join(dir, "faketime")))
			target := readTrim(t, filepath.Join(dir, "targetpath"))
			s := serve(t, dir)
			state := t.TempDir()
			out := t.TempDir()
			o := verifier.Options{RepoURL: s.URL, TrustFile: filepath.Join(dir, "initial_root.json"), CAFile: s.CAPath,
				Targets: []string{target}, ReferenceTime: ref, StateDir: state, TargetDir: out}
			tr, err := verifier.Verify(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if !tr.OK() {
				t.Fatalf("verdict %s: %+v", tr.Verdict, tr.Failure)
			}
			if len(tr.Targets) != 1 || tr.Targets[0].Verdict != transcript.Pass {
				t.Fatalf("targets %+v", tr.Targets)
			}
			if _, err := os.Stat(filepath.Join(out, strings.ReplaceAll(target, "/", "%2F"))); err != nil {
				t.Errorf("target not written: %v", err)
			}
			// A second run from the kept state verifies too.
			tr, err = verifier.Verify(context.Background(), o)
			if err != nil || !tr.OK() {
				t.Fatalf("second run: %v %+v", err, tr.Failure)
			}
		})
	}
}

// TestSigstoreLiveRollback replays genuinely signed older timestamps of the
// real repository: v756 is still fresh at the reference time, so only the
// state kept by an earlier run refuses it; v743 has also expired.
func TestSigstoreLiveRollback(t *testing.T) {
	archive := shared.Testdata(t, "tuf", "sigstore-root-signing-live.tar.gz")
	dir := filepath.Join(untar(t, archive), "sigstore-root-signing-live")
	ref := parseFaketime(t, readTrim(t, filepath.Join(dir, "REFERENCE_TIME")))
	s := serve(t, dir)
	state := t.TempDir()
	o := verifier.Options{RepoURL: s.URL, TrustFile: filepath.Join(dir, "initial_root.json"), CAFile: s.CAPath, ReferenceTime: ref, StateDir: state}
	wantOK(t, verify(t, o))
	replay := func(v string) {
		b, err := os.ReadFile(filepath.Join(dir, "old-timestamps", v+".timestamp.json"))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(dir, "metadata", "timestamp.json"), b, 0o644))
	}
	replay("756")
	noState := o
	noState.StateDir = ""
	wantOK(t, verify(t, noState)) // fresh and validly signed: only the state can tell
	wantFail(t, verify(t, o), "timestamp/rollback")
	replay("743")
	wantFail(t, verify(t, noState), "timestamp/freshness")
	wantFail(t, verify(t, o), "timestamp/rollback")
}
