package advisorycmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/fixtures/thermostat"
)

func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := &cobra.Command{Use: "craudit", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(New("test"))
	var out, errb bytes.Buffer
	code := cli.Execute(context.Background(), root, append([]string{"advisory"}, args...), &out, &errb)
	return code, errb.String()
}

func fixture(t *testing.T) (bundleDir, rootPub string) {
	t.Helper()
	dir := t.TempDir()
	vexDoc, err := thermostat.VEX("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	mb, err := minibundle.Write(dir, minibundle.Options{Items: []minibundle.Item{
		{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: []byte(sbomJSON)},
		{Path: bundle.VulnsFile, Role: bundle.RoleVulns, Body: vulnsJSON(t)},
		{Path: bundle.VEXDir + thermostat.VEXName("1.0.1"), Role: bundle.RoleVEX, Body: vexDoc},
	}})
	if err != nil {
		t.Fatal(err)
	}
	rootPub = filepath.Join(dir, "root.pub")
	if err := os.WriteFile(rootPub, mb.Root.Public().MarshalPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return mb.Dir, rootPub
}

const refTime = "2026-06-01T12:00:00Z"

func TestAdvisoryCommand(t *testing.T) {
	b, root := fixture(t)
	out := filepath.Join(t.TempDir(), "paperwork")
	code, stderr := run(t, b, "--trust", root, "--out", out, "--reference-time", refTime)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	names := []string{"thermo-demo-st100-1_0_1.json", "thermo-demo-st100-1_0_1-vex.json"}
	first := map[string][]byte{}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(out, n))
		if err != nil {
			t.Fatal(err)
		}
		first[n] = data
		if !strings.Contains(stderr, n) {
			t.Errorf("stderr does not name %s: %s", n, stderr)
		}
	}
	// No overwrite without --force; nothing changes.
	if code, stderr := run(t, b, "--trust", root, "--out", out, "--reference-time", refTime); code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("second run: exit %d: %s", code, stderr)
	}
	// With --force: the same bytes (same bundle, same reference time).
	if code, stderr := run(t, b, "--trust", root, "--out", out, "--reference-time", refTime, "--force"); code != 0 {
		t.Fatalf("forced run: exit %d: %s", code, stderr)
	}
	for _, n := range names {
		data, _ := os.ReadFile(filepath.Join(out, n))
		if !bytes.Equal(data, first[n]) {
			t.Errorf("%s changed between identical runs", n)
		}
	}
	// Without --reference-time and SOURCE_DATE_EPOCH the bundle's creation time dates them.
	t.Setenv("SOURCE_DATE_EPOCH", "")
	out2 := filepath.Join(t.TempDir(), "p")
	if code, stderr := run(t, b, "--trust", root, "--out", out2); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(out2, names[0]))
	if !bytes.Contains(data, []byte(`"initial_release_date": "2026-06-01T12:00:00Z"`)) {
		t.Error("not dated by the bundle's creation time")
	}
}

func TestAdvisoryRefuses(t *testing.T) {
	b, root := fixture(t)
	tampered, troot := fixture(t)
	if err := os.WriteFile(filepath.Join(tampered, bundle.VulnsFile), []byte(`{"findings":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no --out", []string{b, "--trust", root}, 2, "--out"},
		{"no --trust", []string{b, "--out", "x"}, 2, "--trust"},
		{"bad TLP", []string{b, "--trust", root, "--out", "x", "--tlp", "AMBER+STRICT"}, 2, "--tlp"},
		{"tampered bundle", []string{tampered, "--trust", troot, "--out", "x"}, 1, "does not verify"},
		{"not a bundle", []string{filepath.Join(b, "missing"), "--trust", root, "--out", "x"}, 2, "missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := slicesReplace(tc.args, "x", filepath.Join(dir, "out"))
			code, stderr := run(t, args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want %d with %q on one line", code, stderr, tc.code, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("output written")
			}
		})
	}
}

func slicesReplace(s []string, old, repl string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		if v == old {
			v = repl
		}
		out[i] = v
	}
	return out
}

// sbomJSON is a CycloneDX 1.6 SBOM of the firmware with the demo's busybox.
var sbomJSON = `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "metadata": {"component": {"bom-ref": "fw", "type": "firmware", "name": "thermostat-fw", "version": "1.0.1", "purl": "` + thermostat.FirmwarePURL("1.0.1") + `"}},
 "components": [{"bom-ref": "busybox", "type": "library", "name": "busybox", "version": "1.36.1-r16", "purl": "` + thermostat.BusyboxPURL("1.0.1") + `"}]}`

func vulnsJSON(t *testing.T) []byte {
	bb := vuln.Component{Ref: "busybox", Name: "busybox", Version: "1.36.1-r16", PURL: thermostat.BusyboxPURL("1.0.1"), Ecosystem: "Alpine"}
	r := &vuln.Report{Scanned: true, Scanner: vuln.Tool{Name: "osv-scanner", Version: "v2.5.1"},
		Database: &vuln.DBInfo{Source: "test", Layout: vuln.Layout, Records: 1, Ecosystems: []vuln.Ecosystem{{Name: "Alpine", Records: 1}},
			Newest: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}, Findings: []vuln.Finding{
			{ID: "ALPINE-CVE-2023-42363", Aliases: []string{"CVE-2023-42363"}, Severity: "medium", Component: bb, MatchedBy: "osv-scanner"}}}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
