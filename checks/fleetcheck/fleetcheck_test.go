package fleetcheck_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/fleetcheck"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/fixtures/thermostat"
)

// status is a consistent snapshot of 10 units: 8 report (6 on 1.1.0, 2 on
// 1.0.1 with an open vulnerability), 1 past support, 1 without a start,
// 2 silent, a bad signature and a replay refused.
func status() *fleet.Status {
	return &fleet.Status{
		Schema: fleet.StatusSchema, ReferenceTime: minibundle.At.Add(-24 * time.Hour), Product: thermostat.ProductID, Store: "sqlite",
		Units: 10, Reporting: 8,
		Releases: []fleet.ReleaseStatus{
			{Version: "1.0.1", Units: 2, Attempts: fleet.Counts{Attempts: 3, Success: 1, Failure: 1, Rollback: 1}, Judged: true, OpenVulnerabilities: []string{"CVE-2024-2511"}},
			{Version: "1.1.0", Units: 6, Attempts: fleet.Counts{Attempts: 7, Success: 6, RefusedAttack: 1}, Judged: true},
		},
		Campaigns:   []fleet.CampaignStatus{{ID: "c-1.1.0", Release: "1.1.0", Attempts: fleet.Counts{Attempts: 7, Success: 6, RefusedAttack: 1}}},
		Support:     fleet.SupportStatus{InSupport: 8, PastSupport: []string{"T-0001"}, UnknownStart: []string{"T-0010"}},
		SilentDays:  30,
		SilentUnits: []string{"T-0009", "T-0010"},
		Rejected:    fleet.Rejections{BadSignature: 1, Replay: 1},
		// 1.0.1 is judged with an open vulnerability.
		OpenVulnerabilityUnits: 2,
	}
}

// clean is a snapshot with nothing to find.
func clean() *fleet.Status {
	s := status()
	s.Releases = s.Releases[1:]
	s.Releases[0].Units, s.Reporting = 10, 10
	s.Releases[0].Attempts = fleet.Counts{Attempts: 10, Success: 10}
	s.Campaigns[0].Attempts = s.Releases[0].Attempts
	s.Support = fleet.SupportStatus{InSupport: 10}
	s.SilentUnits, s.Rejected, s.OpenVulnerabilityUnits = nil, fleet.Rejections{}, 0
	return s
}

// judge bundles a snapshot (nil: none; raw bytes win) and runs the checks.
func judge(t *testing.T, s *fleet.Status, raw []byte, pol *checks.Policy) map[string]checks.Result {
	t.Helper()
	var items []minibundle.Item
	if s != nil && raw == nil {
		var err error
		if raw, err = json.Marshal(s); err != nil {
			t.Fatal(err)
		}
	}
	if raw != nil {
		items = append(items, minibundle.Item{Path: bundle.FleetStatusFile, Role: bundle.RoleFleetStatus, Body: raw})
	}
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	if !b.OK() {
		t.Fatalf("test bundle: %v", b.Problems)
	}
	rep := checks.Run(context.Background(), fleetcheck.Checks(), checks.Load(b, mb.Root.Public(), minibundle.At, pol), checks.RunOptions{})
	out := map[string]checks.Result{}
	for _, r := range rep.Results {
		out[r.Check] = r
	}
	return out
}

func finding(r checks.Result, subject string) *checks.Finding {
	for i := range r.Findings {
		if r.Findings[i].Subject == subject {
			return &r.Findings[i]
		}
	}
	return nil
}

var all = []string{"fleet/status-recorded", "fleet/integrity-failures", "fleet/support-period", "fleet/open-vulnerabilities", "fleet/silent-units"}

func TestNoSnapshotIsMissing(t *testing.T) {
	res := judge(t, nil, nil, nil)
	for _, id := range all {
		if r := res[id]; r.Status != checks.Missing || !strings.Contains(r.Message, "--fleet-status") {
			t.Errorf("%s: %s %q, want missing naming --fleet-status", id, r.Status, r.Message)
		}
	}
}

func TestSnapshotRefused(t *testing.T) {
	other := status()
	other.Product = "someone-else"
	future := status()
	future.ReferenceTime = minibundle.At.Add(time.Hour)
	stale := status()
	stale.ReferenceTime = minibundle.At.AddDate(0, -2, 0)
	for _, tc := range []struct {
		name string
		s    *fleet.Status
		raw  []byte
		want string
	}{
		{"malformed", nil, []byte(`{"schema":"craudit.fleet-status/v1","units":-1}`), "fleet status:"},
		{"other product", other, nil, `of product "someone-else"`},
		{"from the future", future, nil, "after the reference time"},
		{"stale", stale, nil, "more than 30 days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := judge(t, tc.s, tc.raw, nil)
			for _, id := range all {
				if r := res[id]; r.Status != checks.Fail || !strings.Contains(r.Message, tc.want) {
					t.Errorf("%s: %s %q, want fail saying %q", id, r.Status, r.Message, tc.want)
				}
			}
		})
	}
	// A longer max_status_age accepts the stale one.
	p := checks.DefaultPolicy()
	p.Fleet.MaxStatusAge = "90d"
	if r := judge(t, stale, nil, p)["fleet/status-recorded"]; r.Status != checks.Pass {
		t.Errorf("stale within 90d: %s %q", r.Status, r.Message)
	}
}

func TestClean(t *testing.T) {
	res := judge(t, clean(), nil, nil)
	for _, id := range all {
		if r := res[id]; r.Status != checks.Pass {
			t.Errorf("%s: %s %q, want pass", id, r.Status, r.Message)
		}
	}
	if m := res["fleet/status-recorded"].Message; !strings.Contains(m, "10 of 10 registered units report") || !strings.Contains(m, "10 success (100.0%)") {
		t.Errorf("status-recorded message %q", m)
	}
}

func TestFindings(t *testing.T) {
	res := judge(t, status(), nil, nil)
	for _, tc := range []struct {
		check, subject string
		want           checks.Status
		says           string
	}{
		{"fleet/status-recorded", "release/1.0.1", checks.Pass, "3 attempts: 1 success (33.3%), 1 failure (33.3%), 1 rollback (33.3%)"},
		{"fleet/status-recorded", "campaign/c-1.1.0", checks.Pass, "1 refused as attacks (14.3%)"},
		{"fleet/integrity-failures", "rejected/bad-signature", checks.Fail, "1: reports refused"},
		{"fleet/integrity-failures", "rejected/replay", checks.Fail, "counter did not increase"},
		{"fleet/integrity-failures", "rejected/malformed", checks.Pass, "none"},
		{"fleet/integrity-failures", "refused-attack/1.1.0", checks.Fail, "refused as attacks"},
		{"fleet/support-period", "unit/T-0001", checks.Fail, "past the end"},
		{"fleet/support-period", "unit/T-0010", checks.Missing, "not evaluated"},
		{"fleet/open-vulnerabilities", "release/1.0.1", checks.Fail, "2 units run it with 1 vulnerability open: CVE-2024-2511"},
		{"fleet/open-vulnerabilities", "release/1.1.0", checks.Pass, "no open vulnerability"},
		{"fleet/silent-units", "unit/T-0009", checks.Fail, "more than 30 days"},
	} {
		f := finding(res[tc.check], tc.subject)
		if f == nil {
			t.Errorf("%s: no finding %s", tc.check, tc.subject)
			continue
		}
		if f.Status != tc.want || !strings.Contains(f.Message, tc.says) {
			t.Errorf("%s#%s: %s %q, want %s saying %q", tc.check, tc.subject, f.Status, f.Message, tc.want, tc.says)
		}
	}
	want := map[string]checks.Status{"fleet/status-recorded": checks.Pass, "fleet/integrity-failures": checks.Fail,
		"fleet/support-period": checks.Fail, "fleet/open-vulnerabilities": checks.Fail, "fleet/silent-units": checks.Fail}
	for id, st := range want {
		if res[id].Status != st {
			t.Errorf("%s: %s %q, want %s", id, res[id].Status, res[id].Message, st)
		}
	}
	if m := res["fleet/support-period"].Message; m != "10 registered units: 8 in support, 1 past the end of support, 1 without a placed-on-market record (not evaluated)" {
		t.Errorf("support message %q", m)
	}
}

// The policy's report settings show what they find as passes; the silent
// allowance passes a small share; unknown starts stay missing whatever the
// policy; an unjudged release stays missing.
func TestPolicy(t *testing.T) {
	p := checks.DefaultPolicy()
	p.Fleet = checks.FleetPolicy{IntegrityFailures: "report", PastSupport: "report", MaxSilentPercent: 20}
	s := status()
	s.Support = fleet.SupportStatus{InSupport: 9, PastSupport: []string{"T-0001"}}
	res := judge(t, s, nil, p)
	for _, id := range []string{"fleet/integrity-failures", "fleet/support-period", "fleet/silent-units"} {
		if r := res[id]; r.Status != checks.Pass {
			t.Errorf("%s under report policy: %s %q", id, r.Status, r.Message)
		}
	}
	if f := finding(res["fleet/integrity-failures"], "rejected/replay"); f == nil || !strings.Contains(f.Message, "shown") {
		t.Errorf("replay finding under report policy: %+v", f)
	}
	p.Fleet.MaxSilentPercent = 10 // 2 of 10 is 20%: over
	s = status()
	s.Releases[1].Judged, s.UnjudgedUnits = false, 6
	res = judge(t, s, nil, p)
	if r := res["fleet/silent-units"]; r.Status != checks.Fail {
		t.Errorf("20%% silent over a 10%% allowance: %s %q", r.Status, r.Message)
	}
	if r := res["fleet/support-period"]; r.Status != checks.Missing {
		t.Errorf("unknown start under report policy: %s %q, want missing", r.Status, r.Message)
	}
	if f := finding(res["fleet/open-vulnerabilities"], "release/1.1.0"); f == nil || f.Status != checks.Missing {
		t.Errorf("unjudged release: %+v", f)
	}
}

func TestNoUnits(t *testing.T) {
	s := clean()
	s.Units, s.Reporting, s.Releases, s.Campaigns, s.Support = 0, 0, nil, nil, fleet.SupportStatus{}
	res := judge(t, s, nil, nil)
	want := map[string]checks.Status{"fleet/status-recorded": checks.Fail, "fleet/integrity-failures": checks.Pass,
		"fleet/support-period": checks.Missing, "fleet/open-vulnerabilities": checks.Missing, "fleet/silent-units": checks.Missing}
	for id, st := range want {
		if res[id].Status != st {
			t.Errorf("%s: %s %q, want %s", id, res[id].Status, res[id].Message, st)
		}
	}
}

func TestWaiver(t *testing.T) {
	p := checks.DefaultPolicy()
	exp := minibundle.At.AddDate(0, 1, 0)
	for _, id := range []string{"fleet/integrity-failures#rejected/bad-signature", "fleet/integrity-failures#rejected/replay", "fleet/integrity-failures#refused-attack/1.1.0"} {
		w := checks.Waiver{ID: id, Justification: "investigated: test", Approver: "qa"}
		w.Expires.Time = exp
		p.Waivers = append(p.Waivers, w)
	}
	r := judge(t, status(), nil, p)["fleet/integrity-failures"]
	if r.Status != checks.Waived || !strings.Contains(r.Message, "3 waived by policy") {
		t.Errorf("waived: %s %q", r.Status, r.Message)
	}
}

// Units whose support end the snapshot could not judge are missing, with
// the snapshot's reason; never counted in support.
func TestSupportNotJudged(t *testing.T) {
	s := clean()
	s.Support = fleet.SupportStatus{UnknownStart: []string{"T-0010"}, Problem: "no product.yaml given (--bundle or --product): support ends not judged"}
	r := judge(t, s, nil, nil)["fleet/support-period"]
	f := finding(r, "not-judged")
	if r.Status != checks.Missing || f == nil || f.Status != checks.Missing || !strings.Contains(f.Message, "9 units with a placed-on-market record are not evaluated: no product.yaml given") {
		t.Errorf("support not judged: %s %q, finding %+v", r.Status, r.Message, f)
	}
	if !strings.Contains(r.Message, "9 whose end was not judged") {
		t.Errorf("message %q", r.Message)
	}
}
