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
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/checks/verifier/primary/primarytest"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/theupdateframework/go-tuf/v2/metadata/config"
	"github.com/theupdateframework/go-tuf/v2/metadata/updater"
)

// uptaneBench is an Uptane deployment whose Image repository is a
// 10,000-target TUF repository written by go-tuf (so go-tuf's updater reads
// the same bytes), served at /image/ (metadata) and /image/targets/, with a
// Director at /director/ assigning benchDownloads to three ECUs.
type uptaneBench struct {
	srv                   *repo.Server
	directorRoot, imgRoot []byte
	pool                  *x509.CertPool
	ecus                  []primary.ECU
	directorURL, imageURL string
}

func newUptaneBench(b *testing.B) *uptaneBench {
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
	images := map[string][]byte{}
	for i := range benchTargets {
		name, data := fmt.Sprintf("fw/%04d.bin", i), fmt.Appendf(nil, "firmware image %d\n", i)
		if err := r.AddTarget("targets", name, data); err != nil {
			b.Fatal(err)
		}
		if slices.Contains(benchDownloads, name) {
			images[name] = data
		}
	}
	if err := r.SignRoot(); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if err := r.Write(dir); err != nil {
		b.Fatal(err)
	}
	// The Director: one ECU per downloaded image.
	ub := &uptaneBench{}
	assign := map[string]string{}
	for i, name := range benchDownloads {
		e := primary.ECU{Serial: fmt.Sprintf("ecu-%d", i), HardwareID: fmt.Sprintf("hw-%d", i)}
		ub.ecus = append(ub.ecus, e)
		assign[e.Serial] = name
	}
	dep, err := primarytest.Build(filepath.Join(b.TempDir(), "d"), primarytest.Options{ECUs: ub.ecus, Images: images, Assign: assign,
		Expires: time.Now().AddDate(1, 0, 0)})
	if err != nil {
		b.Fatal(err)
	}
	meta, files, director := repo.FileHandler(filepath.Join(dir, "metadata")), repo.FileHandler(dir), repo.FileHandler(dep.DirectorDir)
	h := http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		p := q.URL.Path
		switch {
		case strings.HasPrefix(p, "/image/targets/"):
			http.StripPrefix("/image", files).ServeHTTP(w, q)
		case strings.HasPrefix(p, "/image/"):
			http.StripPrefix("/image", meta).ServeHTTP(w, q)
		case strings.HasPrefix(p, "/director/"):
			http.StripPrefix("/director", director).ServeHTTP(w, q)
		default:
			http.NotFound(w, q)
		}
	})
	if ub.srv, err = repo.ServeHandler(h, "127.0.0.1:0", ""); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ub.srv.Close() })
	ub.directorURL, ub.imageURL = ub.srv.URL+"/director", ub.srv.URL+"/image"
	if ub.imgRoot, err = os.ReadFile(filepath.Join(dir, "metadata", "1.root.json")); err != nil {
		b.Fatal(err)
	}
	if ub.directorRoot, err = os.ReadFile(filepath.Join(dep.DirectorDir, "1.root.json")); err != nil {
		b.Fatal(err)
	}
	ca, err := os.ReadFile(ub.srv.CAPath)
	if err != nil {
		b.Fatal(err)
	}
	ub.pool = x509.NewCertPool()
	if !ub.pool.AppendCertsFromPEM(ca) {
		b.Fatal("no CA certificate")
	}
	return ub
}

// BenchmarkUptaneVerify10kImage is `craudit verify --profile uptane`: a
// fresh Primary verifies the Director and the 10,000-target Image
// repository and downloads and checks the three images assigned.
func BenchmarkUptaneVerify10kImage(b *testing.B) {
	ub := newUptaneBench(b)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		state, out := b.TempDir(), b.TempDir()
		b.StartTimer()
		tr, err := verifier.Verify(context.Background(), verifier.Options{Profile: verifier.ProfileUptane,
			RepoURL: ub.directorURL, TrustData: ub.directorRoot, ImageRepoURL: ub.imageURL, ImageTrustData: ub.imgRoot,
			CAFile: ub.srv.CAPath, ECUs: ub.ecus, StateDir: state, TargetDir: out})
		if err != nil {
			b.Fatal(err)
		}
		// go-tuf's repository carries no release counters: that deviation
		// is the only failed step allowed.
		for _, s := range tr.Steps {
			if s.Verdict == "fail" && s.ID != "ecu/release-counter-present" {
				b.Fatalf("%s: %s", s.ID, s.Detail)
			}
		}
		if len(tr.Targets) != len(benchDownloads) {
			b.Fatalf("%d targets", len(tr.Targets))
		}
	}
}

// BenchmarkUptaneGoTUF10kImage is go-tuf's updater on the same Image
// repository (refresh + the same three downloads; it knows no Director).
func BenchmarkUptaneGoTUF10kImage(b *testing.B) {
	ub := newUptaneBench(b)
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ub.pool}}}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		state, out := b.TempDir(), b.TempDir()
		b.StartTimer()
		cfg, err := config.New(ub.imageURL+"/", ub.imgRoot)
		if err != nil {
			b.Fatal(err)
		}
		cfg.RemoteTargetsURL = ub.imageURL + "/targets/"
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
