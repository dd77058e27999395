package fleet

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// validStatus is a small consistent snapshot: 6 units, 5 reporting.
func validStatus() *Status {
	return &Status{
		Schema: StatusSchema, ReferenceTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Product: "thermo", Store: "sqlite", Units: 6, Reporting: 5,
		Releases: []ReleaseStatus{
			{Version: "1.0.1", Units: 1, Attempts: Counts{Attempts: 1, Rollback: 1}, Judged: true, OpenVulnerabilities: []string{"CVE-2025-1"}},
			{Version: "1.1.0", Units: 4, Attempts: Counts{Attempts: 6, Success: 4, Failure: 1, Rollback: 1}},
		},
		Campaigns:              []CampaignStatus{{ID: "c1", Release: "1.1.0", Attempts: Counts{Attempts: 6, Success: 4, Failure: 1, Rollback: 1}}},
		Support:                SupportStatus{InSupport: 4, PastSupport: []string{"u1"}, UnknownStart: []string{"u6"}},
		SilentDays:             30,
		SilentUnits:            []string{"u6"},
		OpenVulnerabilityUnits: 1, UnjudgedUnits: 4,
		Rejected: Rejections{BadSignature: 1, Replay: 1},
	}
}

func encode(t testing.TB, s *Status) []byte {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Status)
		raw    func([]byte) []byte
		reason string // "" = accepted
	}{
		{name: "valid"},
		{name: "no campaigns", edit: func(s *Status) { s.Campaigns = nil }},
		{name: "schema", edit: func(s *Status) { s.Schema = "craudit.fleet-status/v2" }, reason: "schema"},
		{name: "no time", edit: func(s *Status) { s.ReferenceTime = time.Time{} }, reason: "reference_time"},
		{name: "no product", edit: func(s *Status) { s.Product = "" }, reason: "product"},
		{name: "store URL", edit: func(s *Status) { s.Store = "postgres://u:p@h/db" }, reason: "store"},
		{name: "reporting over units", edit: func(s *Status) { s.Reporting = 7 }, reason: "reporting 7 of 6"},
		{name: "release units", edit: func(s *Status) { s.Releases[0].Units = 2 }, reason: "run on 6 units, but 5"},
		{name: "outcomes", edit: func(s *Status) { s.Releases[1].Attempts.Success = 3 }, reason: "add up to 5, not the 6"},
		{name: "negative", edit: func(s *Status) { s.Campaigns[0].Attempts = Counts{Attempts: 0, Success: 1, Failure: -1} }, reason: "negative"},
		{name: "campaign outcomes", edit: func(s *Status) { s.Campaigns[0].Attempts.RefusedAttack = 1 }, reason: "campaigns[0].attempts"},
		{name: "releases unsorted", edit: func(s *Status) { s.Releases[0], s.Releases[1] = s.Releases[1], s.Releases[0] }, reason: "sorted by version"},
		{name: "release twice", edit: func(s *Status) { s.Releases[1].Version = "1.0.1" }, reason: "each once"},
		{name: "open unjudged", edit: func(s *Status) { s.Releases[0].Judged = false }, reason: "no bundle judged"},
		{name: "open unsorted", edit: func(s *Status) { s.Releases[0].OpenVulnerabilities = []string{"CVE-2", "CVE-1"} }, reason: "want sorted"},
		{name: "campaign no release", edit: func(s *Status) { s.Campaigns[0].Release = "" }, reason: "campaigns[0].release"},
		{name: "campaigns twice", edit: func(s *Status) { s.Campaigns = append(s.Campaigns, s.Campaigns[0]) }, reason: "sorted by ID"},
		{name: "support sum", edit: func(s *Status) { s.Support.InSupport = 5 }, reason: "more than the 6 units"},
		{name: "support not judged", edit: func(s *Status) { s.Support = SupportStatus{UnknownStart: []string{"u6"}, Problem: "no product.yaml"} }},
		{name: "support problem yet counted", edit: func(s *Status) { s.Support.Problem = "no product.yaml" }, reason: "ends not judged"},
		{name: "open units", edit: func(s *Status) { s.OpenVulnerabilityUnits = 0 }, reason: "open_vulnerability_units 0"},
		{name: "unjudged units", edit: func(s *Status) { s.UnjudgedUnits = 2 }, reason: "unjudged_units 2"},
		{name: "campaign on two releases", edit: func(s *Status) {
			s.Campaigns = append(s.Campaigns, CampaignStatus{ID: "c1", Release: "1.2.0", Attempts: Counts{Attempts: 1, Success: 1}})
		}},
		{name: "campaign pairs unsorted", edit: func(s *Status) {
			s.Campaigns = append([]CampaignStatus{{ID: "c1", Release: "1.2.0"}}, s.Campaigns...)
		}, reason: "each pair once"},
		{name: "past and unknown", edit: func(s *Status) { s.Support.PastSupport = []string{"u6"}; s.Support.InSupport = 4 }, reason: "both past support"},
		{name: "past unsorted", edit: func(s *Status) { s.Support.PastSupport = []string{"u2", "u1"}; s.Support.InSupport = 3 }, reason: "want sorted"},
		{name: "silent days", edit: func(s *Status) { s.SilentDays = 0 }, reason: "silent_days"},
		{name: "silent control char", edit: func(s *Status) { s.SilentUnits = []string{"u\x01"} }, reason: "control character"},
		{name: "silent over units", edit: func(s *Status) { s.SilentUnits = []string{"a", "b", "c", "d", "e", "f", "g"} }, reason: "7 silent units of 6"},
		{name: "rejected negative", edit: func(s *Status) { s.Rejected.Replay = -1 }, reason: "negative"},
		{name: "unknown field", raw: func(b []byte) []byte {
			return []byte(strings.Replace(string(b), `{"schema"`, `{"extra":1,"schema"`, 1))
		}, reason: "unknown field"},
		{name: "trailing", raw: func(b []byte) []byte { return append(b, []byte(" {}")...) }, reason: "trailing data"},
		{name: "not JSON", raw: func([]byte) []byte { return []byte("units: 3") }, reason: "not a craudit.fleet-status/v1"},
		{name: "too big", raw: func([]byte) []byte { return make([]byte, MaxStatusSize+1) }, reason: "bound"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := validStatus()
			if tc.edit != nil {
				tc.edit(s)
			}
			b := encode(t, s)
			if tc.raw != nil {
				b = tc.raw(b)
			}
			got, err := ParseStatus(b)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got.Units != s.Units || len(got.Releases) != len(s.Releases) || len(got.Support.PastSupport) != len(s.Support.PastSupport) {
					t.Fatalf("decoded %+v", got)
				}
				return
			}
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *StatusError", err, err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("error %q does not say %q", err, tc.reason)
			}
		})
	}
}

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		part, whole int
		want        float64
	}{{1, 4, 25}, {0, 0, 0}, {3, 3, 100}} {
		if got := Rate(tc.part, tc.whole); got != tc.want {
			t.Errorf("Rate(%d, %d) = %v, want %v", tc.part, tc.whole, got, tc.want)
		}
	}
}

// FuzzParseStatus: a snapshot comes from outside; no panic, and an accepted
// one holds the invariants its readers rely on and survives a round trip.
func FuzzParseStatus(f *testing.F) {
	f.Add(encode(f, validStatus()))
	f.Add([]byte(`{"schema":"craudit.fleet-status/v1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseStatus(b)
		if err != nil {
			return
		}
		sum := 0
		for _, r := range s.Releases {
			sum += r.Units
		}
		if sum != s.Reporting || s.Reporting > s.Units {
			t.Fatalf("accepted inconsistent units: %+v", s)
		}
		if s.Support.InSupport+len(s.Support.PastSupport)+len(s.Support.UnknownStart) > s.Units {
			t.Fatalf("accepted inconsistent support: %+v", s.Support)
		}
		again, err := ParseStatus(encode(t, s))
		if err != nil {
			t.Fatalf("re-encoded snapshot refused: %v", err)
		}
		if again.Units != s.Units || again.Rejected != s.Rejected {
			t.Fatalf("round trip changed the snapshot")
		}
	})
}
