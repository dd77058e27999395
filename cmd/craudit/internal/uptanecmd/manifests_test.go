package uptanecmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/uptane"
	"github.com/craudit/craudit/evidence/uptane/vehicle"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/fixtures/shared"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	root := &cobra.Command{Use: "craudit", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(New())
	var out, errb bytes.Buffer
	code := cli.Execute(context.Background(), root, append([]string{"uptane", "manifests"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestManifestsOTAConnect(t *testing.T) {
	dir := shared.Testdata(t, "uptane", "ota-connect")
	args := []string{"--format", "json", "--reference-time", "2026-12-02T00:00:00Z"}
	for _, v := range []string{"v1", "v2", "v3"} {
		args = append(args, "--key", filepath.Join(dir, v+".pem"))
	}
	for _, v := range []string{"v1", "v2", "v3"} {
		args = append(args, filepath.Join(dir, v+".json"))
	}
	code, out, stderr := run(t, args...)
	var rep vehicle.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, stderr)
	}
	if rep.Summary.Verified != 3 || rep.Summary.Deviations[vehicle.DevTime1970] != 3 || rep.Summary.Deviations[vehicle.DevNoReplayProtection] != 3 || rep.Summary.UnitsUnknown != 3 {
		t.Fatalf("summary %+v", rep.Summary)
	}
	// A changed byte in the signed part: exit 1, the report still written.
	raw, _ := os.ReadFile(filepath.Join(dir, "v2.json"))
	bad := filepath.Join(t.TempDir(), "v2.json")
	os.WriteFile(bad, []byte(strings.Replace(string(raw), `"length" : 7827355`, `"length" : 7827356`, 1)), 0o644)
	code, out, stderr = run(t, "--key", filepath.Join(dir, "v2.pem"), bad)
	if code != 1 || !strings.Contains(out, "FAIL "+bad) || !strings.Contains(stderr, "1 of 1 vehicle manifests failed") {
		t.Fatalf("tampered: exit %d\n%s\n%s", code, out, stderr)
	}
}

func TestManifestsCouldNotRun(t *testing.T) {
	tmp := t.TempDir()
	junk := filepath.Join(tmp, "junk.json")
	os.WriteFile(junk, []byte("not json"), 0o644)
	k, _ := uptane.GenerateKey(uptane.Ed25519, uptane.DialectTUF, nil)
	pub := filepath.Join(tmp, "k.pub")
	os.WriteFile(pub, k.KeyObject(), 0o644)
	good := filepath.Join(tmp, "good.json")
	writeManifest(t, good, k, "u1", []byte("x"))
	csv := filepath.Join(tmp, "pom.csv")
	os.WriteFile(csv, []byte("unit,placed_on_market,batch\nu1,2026-13-01,B\n"), 0o644)
	out := filepath.Join(tmp, "out.json")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no keys", []string{good}, "no keys"},
		{"unreadable", []string{"--key", pub, "--out", out, good, junk}, junk + ": "},
		{"missing", []string{"--key", pub, filepath.Join(tmp, "absent.json")}, "absent.json"},
		{"bad csv", []string{"--key", pub, "--placed-on-market", csv, "--out", out, good}, csv + ": line 2: placed_on_market"},
		{"bundle without trust", []string{"--key", pub, "--bundle", tmp, good}, "--bundle needs --trust"},
		{"format", []string{"--key", pub, "--format", "xml", good}, "--format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, want 2 with one line naming %q:\n%s", code, tc.want, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatal("output written")
			}
		})
	}
}

// writeManifest writes a one-ECU vehicle manifest of unit whose image is img.
func writeManifest(t *testing.T, path string, k *uptane.PrivateKey, unit string, img []byte) {
	t.Helper()
	h := sha256.Sum256(img)
	rep, err := uptane.Sign(map[string]any{"ecu_serial": unit + "-main", "attacks_detected": "", "timeserver_time": "2026-05-01T00:00:00Z",
		"installed_image": map[string]any{"filepath": "fw.bin", "fileinfo": map[string]any{"length": len(img), "hashes": map[string]string{"sha256": hex.EncodeToString(h[:])}}}},
		uptane.DialectTUF, k)
	if err != nil {
		t.Fatal(err)
	}
	b, err := uptane.Sign(map[string]any{"vin": unit, "primary_ecu_serial": unit + "-main", "ecu_version_manifests": map[string]json.RawMessage{unit + "-main": rep}}, uptane.DialectTUF, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestManifestsBundleJoin(t *testing.T) {
	tmp := t.TempDir()
	mb, err := minibundle.Write(tmp, minibundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(tmp, "root.pub")
	os.WriteFile(root, mb.Root.Public().MarshalPEM(), 0o644)
	fw, err := os.ReadFile(filepath.Join(mb.Dir, "artefacts", "fw.bin"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := uptane.GenerateKey(uptane.ECDSAP256, uptane.DialectTUF, nil)
	pub := filepath.Join(tmp, "k.pub")
	os.WriteFile(pub, k.KeyObject(), 0o644)
	var files []string
	for _, u := range []string{"u-old", "u-new", "u-none"} {
		p := filepath.Join(tmp, u+".json")
		writeManifest(t, p, k, u, fw)
		files = append(files, p)
	}
	other := filepath.Join(tmp, "u-other.json")
	writeManifest(t, other, k, "u-other", []byte("another image"))
	files = append(files, other)
	csv := filepath.Join(tmp, "pom.csv")
	os.WriteFile(csv, []byte("unit,placed_on_market,batch\nu-old,2020-01-15,\nu-new,2026-03-02,B2026-03\nu-other-main,2026-03-02,\n"), 0o644)
	args := append([]string{"--key", pub, "--bundle", mb.Dir, "--trust", root, "--placed-on-market", csv,
		"--reference-time", minibundle.At.Format("2006-01-02T15:04:05Z"), "--format", "json"}, files...)
	code, out, stderr := run(t, args...)
	var rep vehicle.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, stderr)
	}
	states := map[string]string{}
	for _, u := range rep.Units {
		states[u.Unit] = u.State + " " + u.SupportEnd + " " + u.Images[0].Release + " " + u.VulnState
	}
	want := map[string]string{
		"u-old":   "past-support-end 2025-01-15 thermo-demo-st100 1.0.1 unknown", // the minibundle has no vulnerability table
		"u-new":   "in-support 2031-03-02 thermo-demo-st100 1.0.1 unknown",
		"u-none":  "unknown  thermo-demo-st100 1.0.1 unknown",
		"u-other": "in-support 2031-03-02  unknown", // named by its Primary serial in the file
	}
	for u, w := range want {
		if states[u] != w {
			t.Errorf("%s: %q, want %q", u, states[u], w)
		}
	}
	if rep.Manifests[0].ECUs[0].Release == "" && rep.Manifests[1].ECUs[0].Release == "" {
		t.Errorf("no ECU names its release")
	}
	// A changed bundle: exit 1, nothing written.
	os.WriteFile(filepath.Join(mb.Dir, "product.yaml"), []byte("changed"), 0o644)
	code, out, stderr = run(t, args...)
	if code != 1 || out != "" || !strings.Contains(stderr, "failed verification") {
		t.Fatalf("changed bundle: exit %d\n%s\n%s", code, out, stderr)
	}
}
