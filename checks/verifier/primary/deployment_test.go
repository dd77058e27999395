package primary_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/checks/verifier/primary/primarytest"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

var ecus = []primary.ECU{{Serial: "main-1", HardwareID: "st100-main"}, {Serial: "wifi-1", HardwareID: "st100-wifi"}}

func build(t *testing.T, d uptane.Dialect, a uptane.Algorithm) *primarytest.Deployment {
	t.Helper()
	dep, err := primarytest.Build(t.TempDir(), primarytest.Options{Dialect: d, Algorithm: a, ECUs: ecus,
		Images:          map[string][]byte{"main-1.0.1.bin": []byte("main firmware 1.0.1\n"), "wifi-2.3.bin": []byte("wifi firmware 2.3\n")},
		Assign:          map[string]string{"main-1": "main-1.0.1.bin", "wifi-1": "wifi-2.3.bin"},
		ReleaseCounters: map[string]int64{"main-1.0.1.bin": 5, "wifi-2.3.bin": 2}})
	if err != nil {
		t.Fatal(err)
	}
	return dep
}

func config(t *testing.T, dep *primarytest.Deployment, st *primary.State) (primary.Config, *transcript.Run) {
	t.Helper()
	dt, _ := os.ReadFile(filepath.Join(dep.DirectorDir, "1.root.json"))
	it, _ := os.ReadFile(filepath.Join(dep.ImageDir, "1.root.json"))
	run := &transcript.Run{}
	return primary.Config{Director: primary.DirSource{Dir: dep.DirectorDir}, Image: primary.DirSource{Dir: dep.ImageDir, TargetsDir: "targets"},
		DirectorTrust: dt, ImageTrust: it, ECUs: ecus, ReferenceTime: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		State: st, FetchTargets: true, Run: run}, run
}

func TestDeploymentBothDialects(t *testing.T) {
	for _, d := range []uptane.Dialect{uptane.DialectTUF, uptane.DialectOTA} {
		for _, a := range []uptane.Algorithm{uptane.Ed25519, uptane.ECDSAP256, uptane.RSA} {
			t.Run(string(d)+"/"+string(a), func(t *testing.T) {
				dep := build(t, d, a)
				cfg, run := config(t, dep, nil)
				o, err := primary.Verify(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !o.OK(false) || len(o.Deviations) != 0 || run.Failure != nil {
					t.Fatalf("not verified: %+v %+v deviations %v failure %+v", o.Director.Err, o.Image.Err, o.Deviations, run.Failure)
				}
				if len(o.Targets) != 2 || string(o.Targets[0].Data) != "main firmware 1.0.1\n" || o.Targets[0].ReleaseCounter != 5 {
					t.Fatalf("targets %+v", o.Targets)
				}
				for _, id := range []string{"director/no-delegations", "director/unique-ecu", "cross/hashes-equal", "cross/custom-match", "ecu/hardware-id", "ecu/release-counter"} {
					if s, ok := run.Step(id); !ok || s.Verdict != transcript.Pass {
						t.Errorf("step %s: %+v", id, s)
					}
				}
			})
		}
	}
}

// TestDeploymentAttacks: each row changes the deployment the way an
// attacker (or a careless repository) would; the Primary refuses with the
// class and step named.
func TestDeploymentAttacks(t *testing.T) {
	for _, d := range []uptane.Dialect{uptane.DialectTUF, uptane.DialectOTA} {
		for _, c := range []struct {
			name  string
			setup func(t *testing.T, dep *primarytest.Deployment) *primary.State
			class primary.Class
			step  string
		}{
			{"mix-and-match: Director names other bytes", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				tg := dep.DirectorTargets()
				f := tg["main-1.0.1.bin"]
				h := []byte(f.Hashes["sha256"])
				if h[0] == 'a' {
					h[0] = 'b'
				} else {
					h[0] = 'a'
				}
				f.Hashes = uptane.Hashes{"sha256": string(h), "sha512": f.Hashes["sha512"]}
				tg["main-1.0.1.bin"] = f
				must(t, dep.WriteTargetsSet("director", 2, tg))
				return nil
			}, primary.ClassTargetMismatch, "cross/hashes-equal"},
			{"image for another hardware ID", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				dep.Opt.ECUs = []primary.ECU{{Serial: "main-1", HardwareID: "other-hw"}, ecus[1]}
				must(t, dep.WriteDirector(2))
				return nil
			}, primary.ClassBadHardwareID, "ecu/hardware-id"},
			{"image for another ECU serial", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				dep.Opt.ECUs = []primary.ECU{{Serial: "main-2", HardwareID: "st100-main"}, ecus[1]}
				dep.Opt.Assign = map[string]string{"main-2": "main-1.0.1.bin", "wifi-1": "wifi-2.3.bin"}
				must(t, dep.WriteDirector(2))
				return nil
			}, primary.ClassBadECUID, "ecu/present"},
			{"release-counter rollback", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				return &primary.State{Versions: map[string]int64{}, ECUs: map[string]primary.ECUState{"main-1": {ReleaseCounter: 6, HasReleaseCounter: true}}}
			}, primary.ClassReleaseCounter, "ecu/release-counter"},
			{"Director delegates", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				k := dep.Keys["director/targets"]
				b, err := dep.Sign("director", "targets", uptane.Targets{Common: uptane.Common{Version: 2, Expires: dep.Opt.Expires}, Targets: dep.DirectorTargets(),
					Delegations: &uptane.Delegations{Keys: map[string]*uptane.Key{k.ID: k.Public}, Roles: []uptane.DelegatedRole{{Name: "x", KeyIDs: []string{k.ID}, Threshold: 1, Paths: []string{"*"}}}}})
				must(t, err)
				rewriteDirectorTargets(t, dep, b, 2)
				return nil
			}, primary.ClassDirectorDelegation, "director/no-delegations"},
			{"repeated ECU ID", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				tg := dep.DirectorTargets()
				f := tg["wifi-2.3.bin"]
				var m map[string]any
				must(t, json.Unmarshal(f.Custom, &m))
				if d := dep.Opt.Dialect; d == uptane.DialectOTA {
					m[uptane.FieldECUIdentifiers] = map[string]any{"main-1": map[string]string{"hardwareId": "st100-main"}}
				} else {
					m[uptane.FieldECUSerial] = "main-1"
				}
				f.Custom, _ = json.Marshal(m)
				tg["wifi-2.3.bin"] = f
				must(t, dep.WriteTargetsSet("director", 2, tg))
				return nil
			}, primary.ClassRepeatedECU, "director/unique-ecu"},
			{"Director targets rolled back", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				return &primary.State{Versions: map[string]int64{"director/targets": 3}, ECUs: map[string]primary.ECUState{}}
			}, primary.ClassRollback, "director/targets-rollback"},
			{"Image timestamp rolled back", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				return &primary.State{Versions: map[string]int64{"image/timestamp": 9}, ECUs: map[string]primary.ECUState{}}
			}, primary.ClassRollback, "image/timestamp-rollback"},
			{"image bytes replaced", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				must(t, os.WriteFile(filepath.Join(dep.ImageDir, "targets", "wifi-2.3.bin"), []byte("wifi firmware 6.6\n"), 0o644))
				return nil
			}, primary.ClassTargetHashMismatch, "target/integrity"},
			{"endless image", func(t *testing.T, dep *primarytest.Deployment) *primary.State {
				must(t, os.WriteFile(filepath.Join(dep.ImageDir, "targets", "wifi-2.3.bin"), make([]byte, 1<<16), 0o644))
				return nil
			}, primary.ClassOversizedTarget, "target/integrity"},
		} {
			t.Run(string(d)+"/"+c.name, func(t *testing.T) {
				dep := build(t, d, uptane.Ed25519)
				st := c.setup(t, dep)
				cfg, run := config(t, dep, st)
				o, err := primary.Verify(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if o.OK(false) {
					t.Fatalf("accepted: %s", run.Text())
				}
				var got *primary.Error
				switch {
				case o.Director.Err != nil:
					got = o.Director.Err
				case o.Image.Err != nil:
					got = o.Image.Err
				default:
					for _, tg := range o.Targets {
						if tg.Err != nil {
							got = tg.Err
							break
						}
					}
				}
				if got == nil || got.Class != c.class {
					t.Fatalf("refused as %+v, want %s", got, c.class)
				}
				if run.Failure == nil || run.Failure.Step != c.step {
					t.Fatalf("first failure %+v, want step %s", run.Failure, c.step)
				}
			})
		}
	}
}

func rewriteDirectorTargets(t *testing.T, dep *primarytest.Deployment, b []byte, v int64) {
	t.Helper()
	must(t, dep.WriteFile("director", "targets.json", b))
	// Re-sign snapshot and timestamp over the new targets.
	must(t, resnapshot(dep, b, v))
}

func resnapshot(dep *primarytest.Deployment, tb []byte, v int64) error {
	sb, err := dep.Sign("director", "snapshot", uptane.Snapshot{Common: uptane.Common{Version: v, Expires: dep.Opt.Expires},
		Meta: map[string]uptane.MetaFile{"targets.json": {Version: v}}})
	if err != nil {
		return err
	}
	if err := dep.WriteFile("director", "snapshot.json", sb); err != nil {
		return err
	}
	ts, err := dep.Sign("director", "timestamp", uptane.Timestamp{Common: uptane.Common{Version: v, Expires: dep.Opt.Expires},
		Meta: map[string]uptane.MetaFile{"snapshot.json": {Version: v}}})
	if err != nil {
		return err
	}
	return dep.WriteFile("director", "timestamp.json", ts)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestPartialVerification(t *testing.T) {
	dep := build(t, uptane.DialectOTA, uptane.Ed25519)
	// The Image repository is broken: partial verification does not read it.
	must(t, os.Remove(filepath.Join(dep.ImageDir, "timestamp.json")))
	cfg, run := config(t, dep, nil)
	cfg.Partial, cfg.ECUs, cfg.FetchTargets = true, ecus[1:], false
	o, err := primary.Verify(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !o.OK(true) || o.Image.Checked || len(o.Targets) != 1 || o.Targets[0].ECU != "wifi-1" {
		t.Fatalf("partial: %+v %+v targets %+v failure %+v", o.Director, o.Image, o.Targets, run.Failure)
	}
	cfg.Partial = false
	cfg.Run = &transcript.Run{}
	if o, _ := primary.Verify(cfg); o.OK(false) {
		t.Fatal("full verification accepted a missing Image timestamp")
	}
}
