package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/fixtures/fleetsim"
	"github.com/craudit/craudit/fixtures/thermostat"
)

// TestDemoFleet: the demo's fleet snapshot is what `fleet ingest` and
// `fleet status` make of the simulated fleet, the bundle pins it, and
// results.json and dossier.md show the numbers the simulation put in; the
// replayed and the tampered reports are rejected, not stored.
func TestDemoFleet(t *testing.T) {
	d, _ := sharedDemo(t)
	fl := filepath.Join(d, "fleet")
	pinned, err := os.ReadFile(filepath.Join(fl, "fleet-status.json"))
	if err != nil {
		t.Fatal(err)
	}
	if inBundle, err := os.ReadFile(filepath.Join(d, "bundle", "fleet-status.json")); err != nil || string(inBundle) != string(pinned) {
		t.Fatalf("the bundle does not pin the demo's snapshot (%v)", err)
	}
	st, err := fleet.ParseStatus(pinned)
	if err != nil {
		t.Fatal(err)
	}

	// The commands a user runs give the same snapshot.
	db := "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
	code, out, stderr := craudit(t, "fleet", "ingest", "--db", db, "--devices", filepath.Join(fl, fleetsim.RegistryFile),
		"--placed-on-market", filepath.Join(fl, fleetsim.PlacedOnMarketFile), "--format", "json", filepath.Join(fl, "reports"))
	if code != 1 { // rejections found: exit 1
		t.Fatalf("fleet ingest: exit %d\n%s", code, stderr)
	}
	var ing struct {
		Accepted   int
		Rejections []struct{ Reason, Source string }
	}
	if err := json.Unmarshal([]byte(out), &ing); err != nil {
		t.Fatal(err)
	}
	var rej []string
	for _, r := range ing.Rejections {
		rej = append(rej, filepath.Base(r.Source)+" "+r.Reason)
	}
	if got := strings.Join(rej, "; "); !strings.Contains(got, "replayed.report replay") || !strings.Contains(got, "tampered.report bad") || len(rej) != 2 {
		t.Errorf("rejections %q: want the replayed and the tampered report", got)
	}
	at := epochTime(t)
	code, out, stderr = craudit(t, "fleet", "status", "--db", db, "--bundle", filepath.Join(d, "bundle"), "--trust", filepath.Join(d, "keys", "root.pub"),
		"--reference-time", at.Format(time.RFC3339), "--format", "json")
	if code != 0 || out != string(pinned) {
		t.Errorf("fleet status: exit %d, and its JSON differs from the pinned snapshot\n%s\n%s", code, stderr, out)
	}

	// The snapshot holds what the simulation put in.
	img := func(v string) fleetsim.Image {
		b, err := os.ReadFile(filepath.Join(d, "release", thermostat.ImageName(v)))
		if err != nil {
			t.Fatal(err)
		}
		return fleetsim.Image{Version: v, Name: thermostat.ImageName(v), Data: b}
	}
	cur, prev := thermostat.Releases[len(thermostat.Releases)-1].Version, thermostat.Releases[len(thermostat.Releases)-2].Version
	sim, err := fleetsim.Make(at, img(cur), img(prev))
	if err != nil {
		t.Fatal(err)
	}
	ex := sim.Expected
	if ing.Accepted != ex.Reporting {
		t.Errorf("%d reports accepted, want %d (one per reporting unit)", ing.Accepted, ex.Reporting)
	}
	rel := map[string]fleet.ReleaseStatus{}
	for _, r := range st.Releases {
		rel[r.Version] = r
	}
	if st.Units != ex.Units || st.Reporting != ex.Reporting || rel[cur].Attempts != ex.Current || rel[prev].Attempts != ex.Previous ||
		rel[cur].Units != ex.RunningCurrent || len(st.SilentUnits) != len(ex.Silent) || strings.Join(st.Support.PastSupport, ",") != strings.Join(ex.PastSupport, ",") ||
		st.Rejected != (fleet.Rejections{Replay: 1, BadSignature: 1}) {
		t.Errorf("snapshot %+v\ndoes not hold the simulation %+v", st, ex)
	}

	// results.json and dossier.md say the same numbers.
	b, err := os.ReadFile(filepath.Join(d, "dossier", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Results []struct{ Check, Status, Message string }
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	msgs := map[string]string{}
	for _, r := range res.Results {
		msgs[r.Check] = r.Status + ": " + r.Message
	}
	n := strconv.Itoa
	for id, want := range map[string]string{
		"fleet/status-recorded":      "pass: " + n(ex.Reporting) + " of " + n(ex.Units) + " registered units report",
		"fleet/integrity-failures":   "waived: 2 reports refused at ingest (1 bad signature, 1 replay,",
		"fleet/support-period":       "waived: " + n(ex.Units) + " registered units: " + n(ex.Units-1) + " in support, 1 past the end of support",
		"fleet/silent-units":         "pass: " + n(len(ex.Silent)) + " of " + n(ex.Units) + " registered units",
		"fleet/open-vulnerabilities": "waived: 2 releases in the field",
	} {
		if !strings.HasPrefix(msgs[id], want) {
			t.Errorf("%s: %q, want it to start %q", id, msgs[id], want)
		}
	}
	md, err := os.ReadFile(filepath.Join(d, "dossier", "dossier.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| **Registered units** | " + n(ex.Units) + " |",
		"| " + cur + " | " + n(ex.RunningCurrent) + " | " + n(ex.Current.Attempts) + " | " + n(ex.Current.Success) + " (",
		"**Units past the end of their support period (1):** `" + ex.PastSupport[0] + "`",
		"**Units silent for more than 30 days (" + n(len(ex.Silent)) + "):** `" + ex.Silent[0] + "`",
		"| replay (counter not increasing) | 1 |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("dossier.md lacks %q", want)
		}
	}
}

func epochTime(t *testing.T) time.Time {
	s, err := strconv.ParseInt(demoEpoch, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(s, 0).UTC()
}
