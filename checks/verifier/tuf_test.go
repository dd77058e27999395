package verifier_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/evidence/transcript"
)

// refTime is the reference time of generated repositories.
var refTime = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func newKey(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// tufFixture is a generated TUF repository served over HTTPS: a top-level
// target fw.bin and a target vendor/app.bin in the delegated role "vendor".
type tufFixture struct {
	t    testing.TB
	dir  string
	r    *repo.TUFRepo
	srv  *repo.Server
	keys map[string]crypto.Signer
	vkey crypto.Signer
}

func newTUF(t testing.TB, consistent bool) *tufFixture {
	t.Helper()
	f := &tufFixture{t: t, dir: t.TempDir(), keys: map[string]crypto.Signer{}, vkey: newKey(t)}
	for _, role := range repo.TopLevelRoles {
		f.keys[role] = newKey(t)
	}
	r, err := repo.NewTUFRepo(refTime.Add(-time.Hour), repo.DefaultExpiry, f.keys, consistent)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AddTarget("targets", "fw.bin", []byte("firmware 1.0.1\n")); err != nil {
		t.Fatal(err)
	}
	if err := r.Delegate("vendor", f.vkey, []string{"vendor/*"}, true, refTime.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	if err := r.AddTarget("vendor", "vendor/app.bin", []byte("vendor application\n")); err != nil {
		t.Fatal(err)
	}
	if err := r.SignRoot(); err != nil {
		t.Fatal(err)
	}
	f.r = r
	f.write()
	f.srv = serve(t, f.dir)
	return f
}

func (f *tufFixture) write() {
	f.t.Helper()
	if err := f.r.Write(f.dir); err != nil {
		f.t.Fatal(err)
	}
}

func (f *tufFixture) trust() string { return filepath.Join(f.dir, "metadata", "1.root.json") }

func (f *tufFixture) opts(targets ...string) verifier.Options {
	return verifier.Options{RepoURL: f.srv.URL, TrustFile: f.trust(), CAFile: f.srv.CAPath,
		ReferenceTime: refTime, Targets: targets}
}

func (f *tufFixture) md(name string) string { return filepath.Join(f.dir, "metadata", name) }

// editFile applies fn to a served file.
func (f *tufFixture) editFile(rel string, fn func([]byte) []byte) {
	f.t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, fn(b), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

func verify(t *testing.T, o verifier.Options) *transcript.Run {
	t.Helper()
	tr, err := verifier.Verify(context.Background(), o)
	if err != nil {
		t.Fatalf("could not run: %v", err)
	}
	// Every transcript is valid JSON that reads back.
	if _, err := transcript.Parse(tr.JSON()); err != nil {
		t.Fatalf("transcript does not parse back: %v", err)
	}
	return tr
}

func wantFail(t *testing.T, tr *transcript.Run, step string) {
	t.Helper()
	if tr.Verdict != transcript.Failed {
		t.Fatalf("verdict %s, want failed at %s", tr.Verdict, step)
	}
	if tr.Failure == nil || tr.Failure.Step != step {
		t.Fatalf("failure %+v, want step %s", tr.Failure, step)
	}
	s, ok := tr.Step(step)
	if !ok || s.Verdict != transcript.Fail {
		t.Fatalf("transcript does not record %s as failed", step)
	}
}

func wantOK(t *testing.T, tr *transcript.Run) {
	t.Helper()
	if !tr.OK() {
		t.Fatalf("verdict %s, failure %+v", tr.Verdict, tr.Failure)
	}
}

func TestTUFGood(t *testing.T) {
	for _, consistent := range []bool{false, true} {
		name := "plain"
		if consistent {
			name = "consistent-snapshot"
		}
		t.Run(name, func(t *testing.T) {
			f := newTUF(t, consistent)
			tr := verify(t, f.opts("fw.bin", "vendor/app.bin"))
			wantOK(t, tr)
			if len(tr.Targets) != 2 || tr.Targets[1].Role != "vendor" {
				t.Fatalf("targets %+v", tr.Targets)
			}
			for _, id := range []string{"transport/scheme", "transport/tls", "root/trusted", "root/freshness",
				"timestamp/signature", "timestamp/rollback", "timestamp/freshness",
				"snapshot/integrity", "snapshot/signature", "snapshot/rollback", "snapshot/freshness",
				"targets/integrity", "targets/signature", "targets/rollback", "targets/freshness",
				"delegated-targets/signature", "target/lookup", "target/integrity"} {
				if s, ok := tr.Step(id); !ok || s.Verdict != transcript.Pass {
					t.Errorf("step %s: %+v (found %v)", id, s, ok)
				}
			}
			// Consistent snapshots fetch versioned metadata and hash-prefixed targets.
			var sawVersioned, sawPrefixed bool
			for _, rq := range tr.Requests {
				sawVersioned = sawVersioned || strings.HasSuffix(rq.URL, "/1.snapshot.json")
				sawPrefixed = sawPrefixed || strings.Contains(rq.URL, "/targets/vendor/") && !strings.HasSuffix(rq.URL, "/vendor/app.bin")
			}
			if sawVersioned != consistent || sawPrefixed != consistent {
				t.Errorf("consistent=%v but versioned=%v prefixed=%v", consistent, sawVersioned, sawPrefixed)
			}
		})
	}
}

// TestTUFBrokenStep breaks exactly one step per case and checks that the
// transcript names it.
func TestTUFBrokenStep(t *testing.T) {
	other := newKey(t)
	tests := []struct {
		name   string
		steps  string
		break_ func(f *tufFixture)
		opts   func(o *verifier.Options)
	}{
		{name: "root v2 not signed by the old root", steps: "root/signature", break_: func(f *tufFixture) {
			f.r.Root.Signed.Version = 2
			nk := newKey(t)
			tk, _ := metadata.KeyFromPublicKey(nk.Public())
			old, _ := metadata.KeyFromPublicKey(f.keys["root"].Public())
			oid, _ := old.ID()
			f.r.Root.Signed.RevokeKey(oid, "root")
			f.r.Root.Signed.AddKey(tk, "root")
			f.r.Keys["root"] = []crypto.Signer{nk}
			must(t, f.r.SignRoot())
			f.write()
		}},
		{name: "root chain skips a version", steps: "root/rollback", break_: func(f *tufFixture) {
			f.r.Root.Signed.Version = 3
			f.r.ExtraRootSigners = nil
			must(t, f.r.SignRoot())
			f.write() // written as 2.root.json, but says version 3
		}},
		{name: "final root expired", steps: "root/freshness", opts: func(o *verifier.Options) {
			o.ReferenceTime = refTime.AddDate(2, 0, 0)
		}},
		{name: "timestamp signed by an unknown key", steps: "timestamp/signature", break_: func(f *tufFixture) {
			f.r.Keys["timestamp"] = []crypto.Signer{other}
			f.write()
		}},
		{name: "timestamp expired (freeze)", steps: "timestamp/freshness", break_: func(f *tufFixture) {
			f.r.Timestamp.Signed.Expires = refTime.Add(-time.Minute)
			f.write()
		}},
		{name: "snapshot bytes differ from the timestamp's hash", steps: "snapshot/integrity", break_: func(f *tufFixture) {
			f.editFile("metadata/snapshot.json", func(b []byte) []byte { return bytes.Replace(b, []byte(`"version": 1`), []byte(`"version": 2`), 1) })
		}},
		{name: "snapshot signed by the targets key", steps: "snapshot/signature", break_: func(f *tufFixture) {
			f.r.Keys["snapshot"] = []crypto.Signer{f.keys["targets"]}
			f.write()
		}},
		{name: "snapshot version is not the one the timestamp names", steps: "snapshot/rollback", break_: func(f *tufFixture) {
			f.write()
			// Re-sign a timestamp that names snapshot v7 without hashes.
			f.r.Timestamp.Signed.Meta["snapshot.json"] = metadata.MetaFile(7)
			f.r.Timestamp.ClearSignatures()
			b := signTimestamp(t, f)
			must(t, os.WriteFile(f.md("timestamp.json"), b, 0o644))
		}},
		{name: "snapshot expired", steps: "snapshot/freshness", break_: func(f *tufFixture) {
			f.r.Snapshot.Signed.Expires = refTime.Add(-time.Minute)
			f.write()
		}},
		{name: "targets bytes differ from the snapshot's hash", steps: "targets/integrity", break_: func(f *tufFixture) {
			f.editFile("metadata/targets.json", func(b []byte) []byte { return bytes.Replace(b, []byte("fw.bin"), []byte("fx.bin"), 1) })
		}},
		{name: "targets below its threshold", steps: "targets/signature", break_: func(f *tufFixture) {
			second := newKey(t)
			tk, _ := metadata.KeyFromPublicKey(second.Public())
			f.r.Root.Signed.AddKey(tk, "targets")
			f.r.Root.Signed.Roles["targets"].Threshold = 2
			f.r.RootHistory = nil
			must(t, f.r.SignRoot()) // root v1 now wants 2 targets signatures; only 1 is made
			f.write()
		}},
		{name: "targets older than the snapshot names", steps: "targets/rollback", break_: func(f *tufFixture) {
			f.r.NoMetaHashes = true
			f.write()
			old, _ := os.ReadFile(f.md("targets.json"))
			f.r.Targets.Signed.Version = 2
			f.write()
			must(t, os.WriteFile(f.md("targets.json"), old, 0o644))
		}},
		{name: "delegated role older than the snapshot names", steps: "delegated-targets/rollback", break_: func(f *tufFixture) {
			f.r.NoMetaHashes = true
			f.write()
			old, _ := os.ReadFile(f.md("vendor.json"))
			f.r.Delegated["vendor"].Signed.Version = 2
			f.write()
			must(t, os.WriteFile(f.md("vendor.json"), old, 0o644))
		}, opts: func(o *verifier.Options) { o.Targets = []string{"vendor/app.bin"} }},
		{name: "delegated role bytes differ from the snapshot's hash", steps: "delegated-targets/integrity", break_: func(f *tufFixture) {
			f.editFile("metadata/vendor.json", func(b []byte) []byte { return bytes.Replace(b, []byte("app.bin"), []byte("app.BIN"), 1) })
		}, opts: func(o *verifier.Options) { o.Targets = []string{"vendor/app.bin"} }},
		{name: "target above the size cap", steps: "target/integrity", opts: func(o *verifier.Options) { o.Limits.TargetMaxLength = 4 }},
		{name: "targets expired", steps: "targets/freshness", break_: func(f *tufFixture) {
			f.r.Targets.Signed.Expires = refTime.Add(-time.Minute)
			f.write()
		}},
		{name: "delegated role signed by an undelegated key", steps: "delegated-targets/signature", break_: func(f *tufFixture) {
			f.r.Keys["vendor"] = []crypto.Signer{other}
			f.write()
		}, opts: func(o *verifier.Options) { o.Targets = []string{"vendor/app.bin"} }},
		{name: "delegated role expired", steps: "delegated-targets/freshness", break_: func(f *tufFixture) {
			f.r.Delegated["vendor"].Signed.Expires = refTime.Add(-time.Minute)
			f.write()
		}, opts: func(o *verifier.Options) { o.Targets = []string{"vendor/app.bin"} }},
		{name: "target listed by nobody", steps: "target/lookup", opts: func(o *verifier.Options) { o.Targets = []string{"evil.bin"} }},
		{name: "target byte changed", steps: "target/integrity", break_: func(f *tufFixture) {
			f.editFile("targets/fw.bin", func(b []byte) []byte { b[0] ^= 1; return b })
		}},
		{name: "target longer than signed (endless data)", steps: "transport/too-large", break_: func(f *tufFixture) {
			f.editFile("targets/fw.bin", func(b []byte) []byte { return append(b, bytes.Repeat([]byte("x"), 1<<20)...) })
		}},
		{name: "timestamp above the size limit", steps: "transport/too-large", break_: func(f *tufFixture) {
			f.editFile("metadata/timestamp.json", func(b []byte) []byte { return append(b, bytes.Repeat([]byte(" "), 20000)...) })
		}},
		{name: "timestamp missing", steps: "transport/not-found", break_: func(f *tufFixture) {
			must(t, os.Remove(f.md("timestamp.json")))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newTUF(t, false)
			if tc.break_ != nil {
				tc.break_(f)
			}
			o := f.opts("fw.bin")
			if tc.opts != nil {
				tc.opts(&o)
			}
			wantFail(t, verify(t, o), tc.steps)
		})
	}
}

func signTimestamp(t *testing.T, f *tufFixture) []byte {
	t.Helper()
	// Write with a tiny repository trick: sign via a copy holding only the timestamp.
	tmp := &repo.TUFRepo{}
	_ = tmp
	s, err := sigstoreSigner(f.keys["timestamp"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.Timestamp.Sign(s); err != nil {
		t.Fatal(err)
	}
	b, err := f.r.Timestamp.ToBytes(true)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestTUFRootRotation: a good rotation (new root signed by old and new keys)
// is followed, with a new timestamp key.
func TestTUFRootRotation(t *testing.T) {
	f := newTUF(t, true)
	state := t.TempDir()
	o := f.opts("fw.bin")
	o.StateDir = state
	wantOK(t, verify(t, o))

	// Rotate root and timestamp keys in root v2; the old root co-signs.
	oldRoot := f.keys["root"]
	nr, nt := newKey(t), newKey(t)
	for role, k := range map[string]crypto.Signer{"root": nr, "timestamp": nt} {
		oldK, _ := metadata.KeyFromPublicKey(f.keys[role].Public())
		oid, _ := oldK.ID()
		must(t, f.r.Root.Signed.RevokeKey(oid, role))
		tk, _ := metadata.KeyFromPublicKey(k.Public())
		must(t, f.r.Root.Signed.AddKey(tk, role))
		f.r.Keys[role] = []crypto.Signer{k}
	}
	f.r.Root.Signed.Version = 2
	f.r.ExtraRootSigners = []crypto.Signer{oldRoot}
	must(t, f.r.SignRoot())
	f.r.Timestamp.Signed.Version = 2
	f.r.Snapshot.Signed.Version = 2
	f.write()
	tr := verify(t, o)
	wantOK(t, tr)
	if tr.Versions["root"] != 2 {
		t.Fatalf("root version %d, want 2", tr.Versions["root"])
	}
	st, ok := tr.Step("root/signature")
	if !ok || st.Version != 2 || st.Verdict != transcript.Pass {
		t.Fatalf("root/signature %+v", st)
	}
	// The state now holds root v2.
	b, _ := os.ReadFile(filepath.Join(state, "root.json"))
	if !bytes.Equal(b, f.r.RootHistory[1]) {
		t.Fatal("state root.json is not root v2")
	}
}

// TestTUFRollbackAcrossRuns: a second run, after the repository went back to
// an older timestamp, is refused thanks to the state kept by the first.
func TestTUFRollbackAcrossRuns(t *testing.T) {
	f := newTUF(t, false)
	oldTS, _ := os.ReadFile(f.md("timestamp.json"))
	oldSnap, _ := os.ReadFile(f.md("snapshot.json"))
	oldTargets, _ := os.ReadFile(f.md("targets.json"))
	f.r.Timestamp.Signed.Version = 2
	f.r.Snapshot.Signed.Version = 2
	f.write()
	state := t.TempDir()
	o := f.opts("fw.bin")
	o.StateDir = state
	wantOK(t, verify(t, o))
	// Without state the old repository would verify: only the state refuses it.
	must(t, os.WriteFile(f.md("timestamp.json"), oldTS, 0o644))
	must(t, os.WriteFile(f.md("snapshot.json"), oldSnap, 0o644))
	must(t, os.WriteFile(f.md("targets.json"), oldTargets, 0o644))
	noState := f.opts("fw.bin")
	wantOK(t, verify(t, noState))
	wantFail(t, verify(t, o), "timestamp/rollback")
}

// TestTUFFastForwardRecovery: after the timestamp key is rotated, a stored
// timestamp with a high version is discarded, not used to refuse the new one.
func TestTUFFastForwardRecovery(t *testing.T) {
	f := newTUF(t, false)
	f.r.Timestamp.Signed.Version = 50
	f.write()
	state := t.TempDir()
	o := f.opts()
	o.StateDir = state
	wantOK(t, verify(t, o))
	nt := newKey(t)
	oldK, _ := metadata.KeyFromPublicKey(f.keys["timestamp"].Public())
	oid, _ := oldK.ID()
	must(t, f.r.Root.Signed.RevokeKey(oid, "timestamp"))
	tk, _ := metadata.KeyFromPublicKey(nt.Public())
	must(t, f.r.Root.Signed.AddKey(tk, "timestamp"))
	f.r.Keys["timestamp"] = []crypto.Signer{nt}
	f.r.Root.Signed.Version = 2
	f.r.ExtraRootSigners = []crypto.Signer{f.keys["root"]}
	must(t, f.r.SignRoot())
	f.r.Timestamp.Signed.Version = 1
	f.write()
	tr := verify(t, o)
	wantOK(t, tr)
	s, ok := tr.Step("state/timestamp")
	if !ok || !strings.Contains(s.Detail, "discarded") {
		t.Fatalf("state/timestamp %+v", s)
	}
}

func TestTransportControls(t *testing.T) {
	f := newTUF(t, false)
	other := serve(t, t.TempDir()) // a second server: its CA is not f's

	t.Run("plain http refused", func(t *testing.T) {
		hs := httptest.NewServer(http.FileServer(http.Dir(f.dir)))
		defer hs.Close()
		o := f.opts("fw.bin")
		o.RepoURL = hs.URL
		tr := verify(t, o)
		wantFail(t, tr, "transport/scheme")
		if len(tr.Requests) != 0 {
			t.Fatalf("requests made over refused http: %d", len(tr.Requests))
		}
	})
	t.Run("plain http allowed is still a failed control", func(t *testing.T) {
		hs := httptest.NewServer(http.FileServer(http.Dir(f.dir)))
		defer hs.Close()
		o := f.opts("fw.bin")
		o.RepoURL = hs.URL
		o.AllowInsecureHTTPUnsafe = true
		tr := verify(t, o)
		wantFail(t, tr, "transport/scheme")
		if s, ok := tr.Step("target/integrity"); !ok || s.Verdict != transcript.Pass {
			t.Fatalf("the rest of the workflow did not run: %+v", s)
		}
	})
	t.Run("certificate from another CA", func(t *testing.T) {
		o := f.opts("fw.bin")
		o.CAFile = other.CAPath
		wantFail(t, verify(t, o), "transport/tls")
	})
	t.Run("server offering only TLS 1.1", func(t *testing.T) {
		hs := httptest.NewUnstartedServer(http.FileServer(http.Dir(f.dir)))
		hs.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
		hs.StartTLS()
		defer hs.Close()
		ca := filepath.Join(t.TempDir(), "ca.pem")
		must(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o644))
		o := f.opts("fw.bin")
		o.RepoURL, o.CAFile = hs.URL, ca
		wantFail(t, verify(t, o), "transport/tls")
		// The same server with TLS 1.2 is accepted: the CA file is right.
		hs2 := httptest.NewUnstartedServer(http.FileServer(http.Dir(f.dir)))
		hs2.TLS = &tls.Config{Certificates: hs.TLS.Certificates}
		hs2.StartTLS()
		defer hs2.Close()
		o.RepoURL = hs2.URL
		wantOK(t, verify(t, o))
	})
	t.Run("redirect to http", func(t *testing.T) {
		hs := httptest.NewServer(http.FileServer(http.Dir(f.dir)))
		defer hs.Close()
		s, err := repo.ServeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, hs.URL+r.URL.Path, http.StatusFound)
		}), "", "")
		must(t, err)
		defer s.Close()
		o := f.opts("fw.bin")
		o.RepoURL, o.CAFile = s.URL, s.CAPath
		wantFail(t, verify(t, o), "transport/redirect")
	})
	t.Run("endless redirects", func(t *testing.T) {
		s, err := repo.ServeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}), "", "")
		must(t, err)
		defer s.Close()
		o := f.opts("fw.bin")
		o.RepoURL, o.CAFile = s.URL, s.CAPath
		wantFail(t, verify(t, o), "transport/redirect")
	})
	t.Run("slow retrieval", func(t *testing.T) {
		s, err := repo.ServeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10000")
			w.WriteHeader(http.StatusOK)
			for i := 0; i < 10000; i++ {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}), "", "")
		must(t, err)
		defer s.Close()
		o := f.opts("fw.bin")
		o.RepoURL, o.CAFile = s.URL, s.CAPath
		o.MinRate, o.RateGrace = 1000, 500*time.Millisecond
		wantFail(t, verify(t, o), "transport/slow-retrieval")
	})
	t.Run("server never answers", func(t *testing.T) {
		s, err := repo.ServeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}), "", "")
		must(t, err)
		defer s.Close()
		o := f.opts("fw.bin")
		o.RepoURL, o.CAFile = s.URL, s.CAPath
		o.Timeout = time.Second
		wantFail(t, verify(t, o), "transport/timeout")
	})
	t.Run("endless body", func(t *testing.T) {
		s, err := repo.ServeHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte("A"), 32<<10)
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}), "", "")
		must(t, err)
		defer s.Close()
		o := f.opts("fw.bin")
		o.RepoURL, o.CAFile = s.URL, s.CAPath
		wantFail(t, verify(t, o), "transport/too-large")
	})
}

func TestCouldNotRun(t *testing.T) {
	f := newTUF(t, false)
	bad := filepath.Join(t.TempDir(), "bad.json")
	must(t, os.WriteFile(bad, []byte("not a root"), 0o644))
	s := serve(t, t.TempDir())
	addr := strings.TrimPrefix(s.URL, "https://")
	s.Close() // nothing listens there now
	tests := []struct {
		name string
		o    func(o *verifier.Options)
	}{
		{"missing trust file", func(o *verifier.Options) { o.TrustFile = filepath.Join(t.TempDir(), "none.json") }},
		{"unusable trust file", func(o *verifier.Options) { o.TrustFile = bad }},
		{"unreadable CA", func(o *verifier.Options) { o.CAFile = bad }},
		{"connection refused", func(o *verifier.Options) { o.RepoURL = "https://" + addr }},
		{"not a URL", func(o *verifier.Options) { o.RepoURL = "repo" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := f.opts()
			tc.o(&o)
			_, err := verifier.Verify(context.Background(), o)
			var re *verifier.RunError
			if !errors.As(err, &re) {
				t.Fatalf("err %v, want a RunError", err)
			}
		})
	}
}

// TestHostnameMismatch: the server's certificate names 127.0.0.1 and
// localhost; reached at 127.0.0.2 the host name check refuses it.
func TestHostnameMismatch(t *testing.T) {
	f := newTUF(t, false)
	s, err := repo.Serve(f.dir, "127.0.0.2:0", "")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	defer s.Close()
	o := f.opts("fw.bin")
	o.RepoURL, o.CAFile = s.URL, s.CAPath
	tr := verify(t, o)
	wantFail(t, tr, "transport/tls")
	if !strings.Contains(tr.Failure.Reason, "127.0.0.2") {
		t.Fatalf("reason %q does not name the host", tr.Failure.Reason)
	}
}

func sigstoreSigner(k crypto.Signer) (signature.Signer, error) {
	return signature.LoadSigner(k, crypto.SHA256)
}

// TestTUFMixAndMatchControls: a validly signed file of another role, and a
// snapshot that drops a role, are refused under rollback (not signature),
// and a type refused before its signature was read records no signature pass.
func TestTUFMixAndMatchControls(t *testing.T) {
	t.Run("snapshot served as the timestamp", func(t *testing.T) {
		f := newTUF(t, false)
		snap, err := os.ReadFile(f.md("snapshot.json"))
		must(t, err)
		must(t, os.WriteFile(f.md("timestamp.json"), snap, 0o644))
		tr := verify(t, f.opts())
		wantFail(t, tr, "timestamp/rollback")
		if s, ok := tr.Step("timestamp/signature"); ok {
			t.Errorf("a signature step was recorded for a file of the wrong type: %+v", s)
		}
		if !strings.Contains(tr.Failure.Reason, "expected metadata type timestamp") {
			t.Errorf("reason %q does not name the type", tr.Failure.Reason)
		}
	})
	t.Run("delegated role removed from the snapshot", func(t *testing.T) {
		f := newTUF(t, false)
		o := f.opts()
		o.StateDir = t.TempDir()
		wantOK(t, verify(t, o))
		delete(f.r.Delegated, "vendor")
		f.r.Snapshot.Signed.Version, f.r.Timestamp.Signed.Version = 2, 2
		f.write()
		tr := verify(t, o)
		wantFail(t, tr, "snapshot/rollback")
		if !strings.Contains(tr.Failure.Reason, "vendor.json") {
			t.Errorf("reason %q does not name the removed role", tr.Failure.Reason)
		}
	})
}

// diamondRepo is the delegation "diamond" of tuf-conformance's
// test_cached_role_is_verified_against_current_delegator: parent-a and
// parent-b both delegate to "release", each to a different key, and release
// is signed only with parent-a's key, yet lists a target under parent-b's
// paths too.
func diamondRepo(t *testing.T, consistent bool) (dir string, srv *repo.Server) {
	t.Helper()
	keys := map[string]crypto.Signer{}
	for _, role := range repo.TopLevelRoles {
		keys[role] = newKey(t)
	}
	r, err := repo.NewTUFRepo(refTime.Add(-time.Hour), repo.DefaultExpiry, keys, consistent)
	must(t, err)
	exp := refTime.AddDate(0, 1, 0)
	must(t, r.Delegate("parent-a", newKey(t), []string{"team-a/*"}, false, exp))
	must(t, r.Delegate("parent-b", newKey(t), []string{"team-b/*"}, false, exp))
	releaseA, releaseB := newKey(t), newKey(t)
	for parent, k := range map[string]crypto.Signer{"parent-a": releaseA, "parent-b": releaseB} {
		tk, err := metadata.KeyFromPublicKey(k.Public())
		must(t, err)
		id, err := tk.ID()
		must(t, err)
		path := "team-a/*"
		if parent == "parent-b" {
			path = "team-b/*"
		}
		r.Delegated[parent].Signed.Delegations = &metadata.Delegations{Keys: map[string]*metadata.Key{id: tk},
			Roles: []metadata.DelegatedRole{{Name: "release", KeyIDs: []string{id}, Threshold: 1, Paths: []string{path}}}}
	}
	r.Delegated["release"] = metadata.Targets(exp)
	r.Keys["release"] = []crypto.Signer{releaseA} // parent-b's key never signs
	must(t, r.AddTarget("release", "team-a/trusted_root.json", []byte("trusted A")))
	must(t, r.AddTarget("release", "team-b/trusted_root.json", []byte("malicious B")))
	must(t, r.SignRoot())
	dir = t.TempDir()
	must(t, r.Write(dir))
	return dir, serve(t, dir)
}

// TestTUFDiamondDelegation: a role trusted through one delegator is checked
// again against every other delegator that leads to it, in the same run.
func TestTUFDiamondDelegation(t *testing.T) {
	for _, consistent := range []bool{false, true} {
		dir, srv := diamondRepo(t, consistent)
		opts := func(targets ...string) (verifier.Options, string) {
			out := t.TempDir()
			return verifier.Options{RepoURL: srv.URL, TrustFile: filepath.Join(dir, "metadata", "1.root.json"), CAFile: srv.CAPath,
				ReferenceTime: refTime, Targets: targets, TargetDir: out}, out
		}
		delivered := func(out string) []string {
			es, err := os.ReadDir(out)
			must(t, err)
			var names []string
			for _, e := range es {
				names = append(names, e.Name())
			}
			return names
		}
		t.Run(fmt.Sprintf("consistent=%v/team-a alone", consistent), func(t *testing.T) {
			o, out := opts("team-a/trusted_root.json")
			wantOK(t, verify(t, o))
			if got := delivered(out); len(got) != 1 {
				t.Errorf("delivered %v", got)
			}
		})
		t.Run(fmt.Sprintf("consistent=%v/team-a then team-b", consistent), func(t *testing.T) {
			o, out := opts("team-a/trusted_root.json", "team-b/trusted_root.json")
			tr := verify(t, o)
			wantFail(t, tr, "delegated-targets/signature")
			if !strings.Contains(tr.Failure.Reason, "parent-b") || !strings.Contains(tr.Failure.Reason, "trusted through parent-a") {
				t.Errorf("reason %q does not name both delegators", tr.Failure.Reason)
			}
			if got := delivered(out); len(got) != 1 || !strings.Contains(got[0], "team-a") {
				t.Errorf("delivered %v, want only team-a's target", got)
			}
			for _, tg := range tr.Targets {
				if strings.HasPrefix(tg.Name, "team-b/") && tg.Verdict == transcript.Pass {
					t.Errorf("team-b target passed: %+v", tg)
				}
			}
		})
		t.Run(fmt.Sprintf("consistent=%v/team-b alone", consistent), func(t *testing.T) {
			o, out := opts("team-b/trusted_root.json")
			wantFail(t, verify(t, o), "delegated-targets/signature")
			if got := delivered(out); len(got) != 0 {
				t.Errorf("delivered %v", got)
			}
		})
	}
}
