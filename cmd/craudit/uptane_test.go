package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/checks/verifier/primary/primarytest"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

func uptaneDeploymentServed(t *testing.T, d uptane.Dialect) (*primarytest.Deployment, *repo.Server) {
	t.Helper()
	dep, err := primarytest.Build(t.TempDir(), primarytest.Options{Dialect: d,
		ECUs:            []primary.ECU{{Serial: "main-1", HardwareID: "st100-main"}, {Serial: "wifi-1", HardwareID: "st100-wifi"}},
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

func TestVerifyUptaneExitCodes(t *testing.T) {
	dep, s := uptaneDeploymentServed(t, uptane.DialectOTA)
	dt, it := filepath.Join(dep.DirectorDir, "1.root.json"), filepath.Join(dep.ImageDir, "1.root.json")
	base := []string{"verify", "--profile", "uptane", "--director", s.URL + "/director", "--director-trust", dt,
		"--image-repo", s.URL + "/image", "--image-trust", it, "--ca", s.CAPath, "--reference-time", cmdRefTime.Format("2006-01-02T15:04:05Z")}
	ecus := []string{"--ecu", "main-1=st100-main", "--ecu", "wifi-1=st100-wifi"}
	out := filepath.Join(t.TempDir(), "t.json")
	keys := t.TempDir()
	if code, _, e := craudit(t, "keys", "generate", "--out", keys, "--name", "vendor"); code != 0 {
		t.Fatalf("keys generate: %s", e)
	}
	signed := filepath.Join(t.TempDir(), "t.intoto.json")
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"verified", append(append([]string{}, ecus...), "--format", "json", "--out", out), 0},
		{"signed", append(append([]string{}, ecus...), "--signing-key", filepath.Join(keys, "vendor.key"), "--out", signed), 0},
		{"another vehicle's hardware", []string{"--ecu", "main-1=other-hw", "--ecu", "wifi-1=st100-wifi"}, 1},
		{"partial, the Wi-Fi module", []string{"--ecu", "wifi-1=st100-wifi", "--partial"}, 0},
		{"no ECU", nil, 2},
		{"bad ECU", []string{"--ecu", "main-1"}, 2},
		{"with --repo", append(append([]string{}, ecus...), "--repo", s.URL), 2},
		{"missing trust", append(append([]string{}, ecus...), "--image-trust", filepath.Join(t.TempDir(), "none.json")), 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, _, e := craudit(t, append(append([]string{}, base...), c.args...)...); code != c.want {
				t.Fatalf("exit %d, want %d: %s", code, c.want, e)
			}
		})
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := transcript.Parse(b)
	if err != nil || runs[0].Profile != transcript.ProfileUptane || !runs[0].OK() {
		t.Fatalf("transcript: %v", err)
	}
	sb, _ := os.ReadFile(signed)
	if f, err := transcript.ReadFile(sb); err != nil || !f.Signed() {
		t.Fatalf("signed transcript: %v", err)
	}
	// An image replaced on the Image repository: verification failure.
	if err := os.WriteFile(filepath.Join(dep.ImageDir, "targets", "wifi.bin"), []byte("wifi 6.6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := craudit(t, append(append([]string{}, base...), ecus...)...); code != 1 {
		t.Fatalf("replaced image: exit %d, want 1", code)
	}
	if code, _, _ := craudit(t, "verify", "--profile", "uptane", "--director", "https://127.0.0.1:1/d", "--director-trust", dt,
		"--image-repo", "https://127.0.0.1:1/i", "--image-trust", it, "--ecu", "main-1=st100-main"); code != 2 {
		t.Fatalf("unreachable: exit %d, want 2", code)
	}
}

// TestUptaneClientProtocol drives uptane-client as a harness does: init,
// update, then a replaced image and a release-counter rollback, each
// refused with the installed images untouched.
func TestUptaneClientProtocol(t *testing.T) {
	for _, d := range []uptane.Dialect{uptane.DialectTUF, uptane.DialectOTA} {
		t.Run(string(d), func(t *testing.T) {
			dep, s := uptaneDeploymentServed(t, d)
			md, td := t.TempDir(), filepath.Join(t.TempDir(), "installed")
			if code, _, e := craudit(t, "uptane-client", "--metadata-dir", md, "init",
				filepath.Join(dep.DirectorDir, "1.root.json"), filepath.Join(dep.ImageDir, "1.root.json")); code != 0 {
				t.Fatalf("init: %d %s", code, e)
			}
			update := []string{"uptane-client", "--metadata-dir", md, "--target-dir", td, "--director-url", s.URL + "/director",
				"--image-url", s.URL + "/image", "--ca", s.CAPath, "--reference-time", cmdRefTime.Format("2006-01-02T15:04:05Z"),
				"--ecu", "main-1=st100-main", "--ecu", "wifi-1=st100-wifi", "update"}
			if code, _, e := craudit(t, update...); code != 0 {
				t.Fatalf("update: %d %s", code, e)
			}
			if b, err := os.ReadFile(filepath.Join(td, "main.bin")); err != nil || string(b) != "main 1.0.1\n" {
				t.Fatalf("installed: %q %v", b, err)
			}
			// A replaced image on the Image repository.
			if err := os.WriteFile(filepath.Join(dep.ImageDir, "targets", "main.bin"), []byte("main 6.6.6\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, _, _ := craudit(t, update...); code != 1 {
				t.Fatalf("replaced image: exit %d, want 1", code)
			}
			// A release-counter rollback: an older, validly signed image.
			if err := dep.SetImage("main.bin", []byte("main 1.0.1\n")); err != nil {
				t.Fatal(err)
			}
			if err := dep.SetImage("main-0.9.bin", []byte("main 0.9\n")); err != nil {
				t.Fatal(err)
			}
			dep.Opt.ReleaseCounters["main-0.9.bin"] = 2
			dep.Opt.Assign["main-1"] = "main-0.9.bin"
			if err := dep.WriteImageRepo(2); err != nil {
				t.Fatal(err)
			}
			if err := dep.WriteDirector(2); err != nil {
				t.Fatal(err)
			}
			if code, _, e := craudit(t, append(update[:len(update)-1], "-v", "update")...); code != 1 || !strings.Contains(e, "ecu/release-counter") {
				t.Fatalf("release-counter rollback: exit %d, want 1:\n%s", code, e)
			}
			if b, err := os.ReadFile(filepath.Join(td, "main.bin")); err != nil || string(b) != "main 1.0.1\n" {
				t.Fatalf("installed after refusals: %q %v", b, err)
			}
			if _, err := os.Stat(filepath.Join(td, "main-0.9.bin")); err == nil {
				t.Fatal("the rolled-back image was installed")
			}
		})
	}
}
