package repo_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/uptane"
)

func readTargets(t *testing.T, p string) *metadata.Metadata[metadata.TargetsType] {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	m, err := metadata.Targets().FromBytes(b)
	must(t, err)
	return m
}

// TestPublishUptane lays a bundle out as a Director for a unit of two ECUs
// and an Image repository: the release goes to the ECU whose hardware ID it
// names, with the serial, hardware ID and release counter the verifier reads.
func TestPublishUptane(t *testing.T) {
	b, _ := makeBundle(t)
	out := filepath.Join(t.TempDir(), "repo")
	ecus := []repo.ECU{{Serial: "main-0001", HardwareID: "tx-100"}, {Serial: "wifi-0001", HardwareID: "wifi-7"}}
	must(t, repo.Publish(b, out, repo.PublishOptions{Uptane: &repo.UptaneOptions{KeysDir: filepath.Join(t.TempDir(), "k"), ECUs: ecus, Now: refTime}}))
	for _, p := range []string{repo.UptaneDirectorRoot, repo.UptaneImageRoot, repo.UptaneDirectorDir + "/timestamp.json",
		repo.UptaneImageDir + "/snapshot.json", repo.UptaneImageDir + "/targets/fw.bin"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	d := readTargets(t, filepath.Join(out, repo.UptaneDirectorDir, "targets.json"))
	if len(d.Signed.Targets) != 1 || d.Signed.Targets["fw.bin"] == nil {
		t.Fatalf("director targets: %v", d.Signed.Targets)
	}
	custom, err := uptane.ParseCustom(*d.Signed.Targets["fw.bin"].Custom)
	must(t, err)
	if len(custom.ECUs) != 1 || custom.ECUs["main-0001"] != "tx-100" || !custom.HasReleaseCounter || custom.ReleaseCounter != 2 {
		t.Errorf("director custom: %s", *d.Signed.Targets["fw.bin"].Custom)
	}
	if d.Signed.Delegations != nil {
		t.Error("the Director has delegations")
	}
	im := readTargets(t, filepath.Join(out, repo.UptaneImageDir, "targets.json"))
	it := im.Signed.Targets["fw.bin"]
	if it == nil {
		t.Fatal("the image repository does not list fw.bin")
	}
	ic, err := uptane.ParseCustom(*it.Custom)
	must(t, err)
	if strings.Join(ic.HardwareIDs, ",") != "tx-100" || len(ic.ECUs) != 0 || ic.ReleaseCounter != 2 {
		t.Fatalf("image target: %s", *it.Custom)
	}
	if !it.Hashes.Equal(d.Signed.Targets["fw.bin"].Hashes) || it.Length != d.Signed.Targets["fw.bin"].Length {
		t.Error("director and image hashes differ")
	}
	// Two roots, two key sets.
	dr, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(repo.UptaneDirectorRoot)))
	ir, _ := os.ReadFile(filepath.Join(out, filepath.FromSlash(repo.UptaneImageRoot)))
	if string(dr) == string(ir) {
		t.Error("director and image share a root")
	}
}

func TestPublishUptaneRefuses(t *testing.T) {
	b, _ := makeBundle(t)
	for _, tc := range []struct {
		name string
		ecus []repo.ECU
		want string
	}{
		{"no ECUs", nil, "needs the unit's ECUs"},
		{"no ECU for the release", []repo.ECU{{Serial: "w", HardwareID: "wifi-7"}}, "no ECU of the unit"},
		{"serial twice", []repo.ECU{{Serial: "m", HardwareID: "tx-100"}, {Serial: "m", HardwareID: "wifi-7"}}, "given twice"},
		{"unknown artefact", []repo.ECU{{Serial: "m", HardwareID: "tx-100", Image: "nope.bin"}}, "no artefact nope.bin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "repo")
			err := repo.Publish(b, out, repo.PublishOptions{Uptane: &repo.UptaneOptions{KeysDir: filepath.Join(t.TempDir(), "k"), ECUs: tc.ecus, Now: refTime}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("wrote the directory anyway")
			}
		})
	}
}

func TestParseECU(t *testing.T) {
	for in, want := range map[string]repo.ECU{
		"s=h": {Serial: "s", HardwareID: "h"}, "s=h=fw.bin": {Serial: "s", HardwareID: "h", Image: "fw.bin"},
		"s": {}, "=h": {}, "s=": {}, "s=h=": {}, "a=b=c=d": {},
	} {
		got, err := repo.ParseECU(in)
		if (err == nil) != (want.Serial != "") || got != want {
			t.Errorf("%q: %+v %v", in, got, err)
		}
	}
}

// TestPublishUptaneVerifies: the published deployment passes the reference
// Primary's full verification, the image fetched; a changed byte in any
// role fails it.
func TestPublishUptaneVerifies(t *testing.T) {
	b, _ := makeBundle(t)
	out := filepath.Join(t.TempDir(), "repo")
	ecus := []repo.ECU{{Serial: "main-0001", HardwareID: "tx-100"}, {Serial: "wifi-0001", HardwareID: "wifi-7"}}
	must(t, repo.Publish(b, out, repo.PublishOptions{Uptane: &repo.UptaneOptions{KeysDir: filepath.Join(t.TempDir(), "k"), ECUs: ecus, Now: refTime}}))
	verify := func(dir string) *primary.Outcome {
		dt, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(repo.UptaneDirectorRoot)))
		must(t, err)
		it, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(repo.UptaneImageRoot)))
		must(t, err)
		o, err := primary.Verify(primary.Config{
			Director:      primary.DirSource{Dir: filepath.Join(dir, filepath.FromSlash(repo.UptaneDirectorDir))},
			Image:         primary.DirSource{Dir: filepath.Join(dir, filepath.FromSlash(repo.UptaneImageDir)), TargetsDir: "targets"},
			DirectorTrust: dt, ImageTrust: it, ReferenceTime: refTime.Add(time.Hour), FetchTargets: true,
			ECUs: []primary.ECU{{Serial: "main-0001", HardwareID: "tx-100"}, {Serial: "wifi-0001", HardwareID: "wifi-7"}},
		})
		must(t, err)
		return o
	}
	o := verify(out)
	if !o.OK(false) || len(o.Targets) != 1 || o.Targets[0].ECU != "main-0001" || o.Targets[0].ReleaseCounter != 2 || len(o.Deviations) != 0 {
		t.Fatalf("outcome: %+v", o)
	}
	for _, p := range []string{"director/targets.json", "director/timestamp.json", "image/snapshot.json", "image/targets.json", "image/targets/fw.bin"} {
		t.Run(p, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "repo")
			must(t, os.CopyFS(cp, os.DirFS(out)))
			fp := filepath.Join(cp, repo.UptaneDir, filepath.FromSlash(p))
			// The role under every name it is served (plain and versioned).
			paths, err := filepath.Glob(filepath.Join(filepath.Dir(fp), "*"+filepath.Base(fp)))
			must(t, err)
			for _, fp := range paths {
				data, err := os.ReadFile(fp)
				must(t, err)
				// Change one byte inside a value: the signature (or hash) must fail.
				i := strings.LastIndex(string(data), "2")
				if strings.HasSuffix(p, ".bin") {
					i = 3
				}
				data[i] ^= 0x01
				must(t, os.WriteFile(fp, data, 0o644))
			}
			if o := verify(cp); o.OK(false) {
				t.Fatal("a changed byte still verifies")
			}
		})
	}
}
