package verifier_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"
)

// benchTargets is the size of the repository `make bench` compares the
// verifier with a plain go-tuf updater on (issue: 10,000 targets).
const benchTargets = 10000

// benchDownloads are the targets both clients download after the refresh.
var benchDownloads = []string{"fw/0000.bin", "fw/4999.bin", "fw/9999.bin"}

type bigRepo struct {
	srv  *repo.Server
	root []byte
	pool *x509.CertPool
}

// newBigRepo writes and serves a consistent-snapshot TUF repository with
// benchTargets targets in the top-level targets role.
func newBigRepo(b *testing.B) *bigRepo {
	b.Helper()
	ks := map[string]crypto.Signer{}
	for _, role := range repo.TopLevelRoles {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		ks[role] = k
	}
	r, err := repo.NewTUFRepo(time.Now().Add(-time.Hour), repo.DefaultExpiry, ks, true)
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchTargets {
		if err := r.AddTarget("targets", fmt.Sprintf("fw/%04d.bin", i), fmt.Appendf(nil, "firmware image %d\n", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := r.SignRoot(); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := r.Write(dir); err != nil {
		b.Fatal(err)
	}
	srv, err := repo.Serve(dir, "127.0.0.1:0", "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	root, err := os.ReadFile(filepath.Join(dir, "metadata", "1.root.json"))
	if err != nil {
		b.Fatal(err)
	}
	ca, err := os.ReadFile(srv.CAPath)
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		b.Fatal("no CA certificate")
	}
	return &bigRepo{srv: srv, root: root, pool: pool}
}

// BenchmarkVerifyTUF10k is `craudit verify` of the repository: a fresh
// client refreshes the metadata and downloads benchDownloads.
func BenchmarkVerifyTUF10k(b *testing.B) {
	br := newBigRepo(b)
	b.ResetTimer()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		state, out := b.TempDir(), b.TempDir()
		b.StartTimer()
		tr, err := verifier.Verify(context.Background(), verifier.Options{
			RepoURL: br.srv.URL, TrustData: br.root, CAFile: br.srv.CAPath,
			Targets: benchDownloads, StateDir: state, TargetDir: out,
		})
		if err != nil {
			b.Fatal(err)
		}
		if !tr.OK() {
			b.Fatalf("verdict %s: %+v", tr.Verdict, tr.Failure)
		}
	}
}

// BenchmarkGoTUFUpdater10k is the same refresh and downloads with go-tuf's
// updater as a plain client would use it: the peer of BenchmarkVerifyTUF10k.
func BenchmarkGoTUFUpdater10k(b *testing.B) {
	br := newBigRepo(b)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: br.pool}}}
	b.ResetTimer()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		state, out := b.TempDir(), b.TempDir()
		b.StartTimer()
		cfg, err := config.New(br.srv.URL+"/metadata/", br.root)
		if err != nil {
			b.Fatal(err)
		}
		cfg.RemoteTargetsURL = br.srv.URL + "/targets/"
		cfg.LocalMetadataDir, cfg.LocalTargetsDir = state, out
		cfg.PrefixTargetsWithHash = true
		if err := cfg.SetDefaultFetcherHTTPClient(client); err != nil {
			b.Fatal(err)
		}
		up, err := updater.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := up.Refresh(); err != nil {
			b.Fatal(err)
		}
		for _, name := range benchDownloads {
			ti, err := up.GetTargetInfo(name)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := up.DownloadTarget(ti, filepath.Join(out, filepath.Base(name)), ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}
