package primary

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/fixtures/shared"
)

// copyTree copies a folder of regular files (two levels are enough here).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func refImplConfig(t *testing.T, base string, run *transcript.Run) Config {
	t.Helper()
	dTrust, err := os.ReadFile(filepath.Join(base, "director/metadata/root.json"))
	if err != nil {
		t.Fatal(err)
	}
	iTrust, err := os.ReadFile(filepath.Join(base, "imagerepo/metadata/root.json"))
	if err != nil {
		t.Fatal(err)
	}
	return Config{Director: DirSource{Dir: filepath.Join(base, "director/metadata")}, Image: DirSource{Dir: filepath.Join(base, "imagerepo/metadata")},
		DirectorTrust: dTrust, ImageTrust: iTrust,
		ECUs:          []ECU{{Serial: "TCUdemocar", HardwareID: "tcu"}, {Serial: "BCUdemocar", HardwareID: "bcu"}, {Serial: "INFOdemocar", HardwareID: "info"}},
		ReferenceTime: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Run: run}
}

// failedSteps lists the IDs of failed steps.
func failedSteps(r *transcript.Run) []string {
	var out []string
	for _, s := range r.Steps {
		if s.Verdict == transcript.Fail {
			out = append(out, s.ID)
		}
	}
	return out
}

// TestReferenceImplementation: the reference implementation's Director and
// Image repository verify at 2030 (TUF 1.0 dialect: capitalised _type,
// "method", hex signatures, TUF key IDs) and fail when a byte of any
// role's signed part changes.
func TestReferenceImplementation(t *testing.T) {
	samples := filepath.Join(shared.Testdata(t, "uptane"), "reference-implementation/samples/metadata_samples_long_expiry")
	for _, set := range []string{"initial_w_no_update", "update_to_one_ecu"} {
		base := filepath.Join(samples, set, "full_metadata_archive")
		run := &transcript.Run{}
		o, err := Verify(refImplConfig(t, base, run))
		if err != nil {
			t.Fatal(err)
		}
		if !o.OK(false) {
			t.Fatalf("%s: not verified: director %+v image %+v targets %+v\nfailed steps %v", set, o.Director.Err, o.Image.Err, o.Targets, failedSteps(run))
		}
		// The only failures are named deviations: no release counter.
		if f := failedSteps(run); !slices.Equal(f, o.Deviations) {
			t.Errorf("%s: failed steps %v, deviations %v", set, f, o.Deviations)
		}
		if set == "update_to_one_ecu" && (len(o.Targets) != 1 || o.Targets[0].ECU != "TCUdemocar" || o.Targets[0].ImageRole != "targets") {
			t.Errorf("targets %+v", o.Targets)
		}
	}
	base := filepath.Join(samples, "update_to_one_ecu", "full_metadata_archive")
	for _, c := range []struct{ repo, role string }{
		{"director", "root"}, {"director", "timestamp"}, {"director", "snapshot"}, {"director", "targets"},
		{"imagerepo", "root"}, {"imagerepo", "timestamp"}, {"imagerepo", "snapshot"}, {"imagerepo", "targets"},
	} {
		t.Run(c.repo+"/"+c.role, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, base, dir)
			p := filepath.Join(dir, c.repo, "metadata", c.role+".json")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			changed := strings.Replace(string(b), `"expires": "2037`, `"expires": "2036`, 1)
			if changed == string(b) {
				t.Fatal("nothing changed")
			}
			if err := os.WriteFile(p, []byte(changed), 0o644); err != nil {
				t.Fatal(err)
			}
			run := &transcript.Run{}
			o, err := Verify(refImplConfig(t, dir, run))
			if err != nil {
				t.Fatal(err)
			}
			if o.OK(false) {
				t.Fatalf("a changed byte in %s/%s verified", c.repo, c.role)
			}
			if run.Failure == nil || slices.Contains(o.Deviations, run.Failure.Step) {
				t.Fatalf("first failure %+v is not the change", run.Failure)
			}
		})
	}
}

// TestAktualizrMetadata: aktualizr's Director (root and targets only, RSA
// roots under the JSON-subset form, version 0 targets) and Image
// repository verify at a 2018 time, with each deviation named.
func TestAktualizrMetadata(t *testing.T) {
	base := filepath.Join(shared.Testdata(t, "uptane"), "ota-connect/aktualizr/test_data/prov/metadata")
	dTrust, err := os.ReadFile(filepath.Join(base, "director/root.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The Image repository of the same test folder was re-serialised for
	// aktualizr's tests: its timestamp lists the hash of other bytes of
	// snapshot.json, so it is refused there (below); aktualizr's own
	// consistent sample repository (tuf/sample1) stands in for it.
	img := filepath.Join(base, "../../../tuf/sample1")
	iTrust, err := os.ReadFile(filepath.Join(img, "root.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ref  time.Time
		want []string
	}{
		{"2018", time.Date(2018, 5, 1, 0, 0, 0, 0, time.UTC), []string{"director/timestamp-present", "director/snapshot-present"}},
		{"constant-1970", time.Unix(0, 0), []string{"time/source", "director/timestamp-present", "director/snapshot-present"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := &transcript.Run{}
			o, err := Verify(Config{Director: DirSource{Dir: filepath.Join(base, "director")}, Image: DirSource{Dir: img},
				DirectorTrust: dTrust, ImageTrust: iTrust, ECUs: []ECU{{Serial: "primary", HardwareID: "primary_hw"}}, ReferenceTime: c.ref, Run: run})
			if err != nil {
				t.Fatal(err)
			}
			if !o.OK(false) {
				t.Fatalf("not verified: %v %v; failed %v", o.Director.Err, o.Image.Err, failedSteps(run))
			}
			if !slices.Equal(o.Deviations, c.want) || !slices.Equal(failedSteps(run), c.want) {
				t.Errorf("deviations %v, failed steps %v, want %v", o.Deviations, failedSteps(run), c.want)
			}
			s, _ := run.Step("director/root-signature")
			if !strings.Contains(s.Detail, "json-subset") {
				t.Errorf("root signature step %q does not name the JSON-subset form", s.Detail)
			}
		})
	}
	// After their expiry they are refused.
	o, err := Verify(Config{Director: DirSource{Dir: filepath.Join(base, "director")}, Image: DirSource{Dir: img},
		DirectorTrust: dTrust, ImageTrust: iTrust, ReferenceTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if o.Director.OK || o.Director.Err.Class != ClassExpired {
		t.Errorf("expired Director: %+v", o.Director)
	}
	// The re-serialised Image repository: the snapshot is not the one the
	// timestamp lists.
	repoTrust, err := os.ReadFile(filepath.Join(base, "repo/root.json"))
	if err != nil {
		t.Fatal(err)
	}
	o, err = Verify(Config{Director: DirSource{Dir: filepath.Join(base, "director")}, Image: DirSource{Dir: filepath.Join(base, "repo")},
		DirectorTrust: dTrust, ImageTrust: repoTrust, ReferenceTime: time.Date(2018, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if o.Image.OK || o.Image.Err.Class != ClassMetadataHash {
		t.Errorf("re-serialised snapshot: %+v", o.Image)
	}
}
