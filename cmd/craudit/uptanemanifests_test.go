package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/uptane/vehicle"
)

// TestDemoUnits: the demo's simulated units verify with the command line a
// user runs, which agrees with the report the demo wrote, and the demo's
// report says what each unit is there for.
func TestDemoUnits(t *testing.T) {
	d, again := sharedDemo(t)
	units := filepath.Join(d, "units")
	manifests, _ := filepath.Glob(filepath.Join(units, "manifests", "*.json"))
	if len(manifests) != 4 {
		t.Fatalf("demo units: %d manifests, want 4", len(manifests))
	}
	args := append([]string{"uptane", "manifests", "--keys", filepath.Join(units, "ecu-keys.json"),
		"--bundle", filepath.Join(d, "bundle"), "--trust", filepath.Join(d, "keys", "root.pub"),
		"--placed-on-market", filepath.Join(units, "placed-on-market.csv"),
		"--reference-time", "2026-11-24T00:00:00Z", "--format", "json"}, manifests...)
	code, out, stderr := craudit(t, args...)
	var cli, demo vehicle.Report
	if err := json.Unmarshal([]byte(out), &cli); err != nil || code != 0 {
		t.Fatalf("uptane manifests on the demo units: exit %d, %v\n%s", code, err, stderr)
	}
	b, err := os.ReadFile(filepath.Join(units, "manifests-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &demo); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ST100-0001": "in-support 2031-03-02",
		"ST100-0002": "past-support-end 2025-11-24", // placed six years before the demo's time
		"ST100-0003": "unknown ",
		"ST100-0004": "in-support 2031-09-14",
	}
	for _, rep := range []*vehicle.Report{&cli, &demo} {
		if rep.Summary.Verified != 4 || rep.Summary.Deviations[vehicle.DevCounterOnlyInPrimary] != 1 || rep.Summary.Deviations[vehicle.DevTime1970] != 2 {
			t.Errorf("summary %+v", rep.Summary)
		}
		for _, u := range rep.Units {
			if got := u.State + " " + u.SupportEnd; got != want[u.Unit] {
				t.Errorf("unit %s: %q, want %q", u.Unit, got, want[u.Unit])
			}
			main := u.Images[0]
			// 1.0.1 carries the demo's affected, waived openssl finding
			// (CVE-2024-2511): waived is not VEX-covered, so it is open.
			wantRel, wantVuln := "thermo-demo-st100 1.0.1", "open"
			if u.Unit == "ST100-0004" {
				wantRel, wantVuln = "", "unknown" // firmware 1.0.0 is in no bundle of the demo
			}
			if main.Release != wantRel || u.Images[1].Release != "" || u.VulnState != wantVuln {
				t.Errorf("unit %s: main release %q, wifi %q, vulnerabilities %s", u.Unit, main.Release, u.Images[1].Release, u.VulnState)
			}
		}
	}
	// The demo's report is reproducible: the same SOURCE_DATE_EPOCH gives
	// the same bytes.
	b2, err := os.ReadFile(filepath.Join(again, "units", "manifests-report.json"))
	if err != nil || string(b) != string(b2) {
		t.Errorf("the units report differs between two demo runs (%v)", err)
	}
	// A report swapped between units: the registry binds each ECU to its
	// key, so the other unit's Wi-Fi key does not verify it.
	raw, _ := os.ReadFile(manifests[0])
	swapped := filepath.Join(t.TempDir(), "swapped.json")
	os.WriteFile(swapped, []byte(strings.ReplaceAll(string(raw), "ST100-0001-wifi", "ST100-0002-wifi")), 0o644)
	code, out, _ = craudit(t, "uptane", "manifests", "--keys", filepath.Join(units, "ecu-keys.json"), swapped)
	if code != 1 || !strings.Contains(out, "NOT verified") {
		t.Errorf("swapped report: exit %d\n%s", code, out)
	}
}
