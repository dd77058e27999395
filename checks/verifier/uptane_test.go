package verifier_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/checks/verifier/primary/primarytest"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

var uptaneECUs = []primary.ECU{{Serial: "main-1", HardwareID: "st100-main"}, {Serial: "wifi-1", HardwareID: "st100-wifi"}}

func uptaneDeployment(t *testing.T, d uptane.Dialect) (*primarytest.Deployment, *repo.Server) {
	t.Helper()
	dep, err := primarytest.Build(t.TempDir(), primarytest.Options{Dialect: d, ECUs: uptaneECUs,
		Images:          map[string][]byte{"main.bin": []byte("main 1.0.1\n"), "wifi.bin": []byte("wifi 2.3\n")},
		Assign:          map[string]string{"main-1": "main.bin", "wifi-1": "wifi.bin"},
		ReleaseCounters: map[string]int64{"main.bin": 3, "wifi.bin": 1}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := repo.Serve(dep.Dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return dep, s
}

func uptaneOptions(dep *primarytest.Deployment, s *repo.Server) verifier.Options {
	return verifier.Options{Profile: verifier.ProfileUptane, RepoURL: s.URL + "/director", ImageRepoURL: s.URL + "/image",
		TrustFile: filepath.Join(dep.DirectorDir, "1.root.json"), ImageTrustFile: filepath.Join(dep.ImageDir, "1.root.json"),
		CAFile: s.CAPath, ECUs: uptaneECUs, ReferenceTime: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Tool: "craudit test"}
}

// TestUptaneOverHTTPS: both dialects over real HTTPS on loopback; the
// transcript parses back, names the images and keeps state that refuses a
// later rollback of the Director's targets.
func TestUptaneOverHTTPS(t *testing.T) {
	for _, d := range []uptane.Dialect{uptane.DialectTUF, uptane.DialectOTA} {
		t.Run(string(d), func(t *testing.T) {
			dep, s := uptaneDeployment(t, d)
			o := uptaneOptions(dep, s)
			o.StateDir, o.TargetDir = t.TempDir(), t.TempDir()
			run, err := verifier.Verify(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if !run.OK() {
				t.Fatalf("not verified:\n%s", run.Text())
			}
			if len(run.Targets) != 2 || run.Targets[0].URL == "" || run.ImageTrust == nil || len(run.ECUs) != 2 {
				t.Fatalf("transcript: %+v", run)
			}
			if b, err := os.ReadFile(filepath.Join(o.TargetDir, "main.bin")); err != nil || string(b) != "main 1.0.1\n" {
				t.Fatalf("image written: %q %v", b, err)
			}
			back, err := transcript.Parse(run.JSON())
			if err != nil || back[0].Profile != transcript.ProfileUptane {
				t.Fatalf("parse: %v", err)
			}
			// The Director republishes an older targets set.
			old, _ := os.ReadFile(filepath.Join(dep.DirectorDir, "targets.json"))
			oldSn, _ := os.ReadFile(filepath.Join(dep.DirectorDir, "snapshot.json"))
			oldTs, _ := os.ReadFile(filepath.Join(dep.DirectorDir, "timestamp.json"))
			if err := dep.WriteDirector(2); err != nil {
				t.Fatal(err)
			}
			if run, err = verifier.Verify(context.Background(), o); err != nil || !run.OK() {
				t.Fatalf("version 2: %v\n%s", err, run.Text())
			}
			for name, b := range map[string][]byte{"targets.json": old, "snapshot.json": oldSn, "timestamp.json": oldTs} {
				if err := dep.WriteFile("director", name, b); err != nil {
					t.Fatal(err)
				}
			}
			run, err = verifier.Verify(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if run.OK() || run.Failure == nil || run.Failure.Step != "director/timestamp-rollback" {
				t.Fatalf("replayed Director accepted or refused elsewhere: %+v", run.Failure)
			}
		})
	}
}

func TestUptaneCouldNotRun(t *testing.T) {
	dep, s := uptaneDeployment(t, uptane.DialectTUF)
	for _, c := range []struct {
		name string
		edit func(o *verifier.Options)
	}{
		{"no ECU", func(o *verifier.Options) { o.ECUs = nil }},
		{"no image trust", func(o *verifier.Options) { o.ImageTrustFile = "" }},
		{"trust not a root", func(o *verifier.Options) { o.TrustFile = filepath.Join(dep.ImageDir, "targets", "main.bin") }},
		{"no image URL", func(o *verifier.Options) { o.ImageRepoURL = "" }},
		{"unreachable", func(o *verifier.Options) {
			o.RepoURL, o.ImageRepoURL = "https://127.0.0.1:1/d", "https://127.0.0.1:1/i"
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := uptaneOptions(dep, s)
			c.edit(&o)
			_, err := verifier.Verify(context.Background(), o)
			var re *verifier.RunError
			if !errors.As(err, &re) {
				t.Fatalf("want a RunError, got %v", err)
			}
		})
	}
	// Partial verification needs no Image repository.
	o := uptaneOptions(dep, s)
	o.ImageRepoURL, o.ImageTrustFile, o.Partial, o.ECUs = "", "", true, uptaneECUs[1:]
	run, err := verifier.Verify(context.Background(), o)
	if err != nil || !run.OK() || !run.Partial {
		t.Fatalf("partial: %v %+v", err, run)
	}
}
