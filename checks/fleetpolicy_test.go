package checks

import (
	"strings"
	"testing"
	"time"
)

func TestFleetPolicy(t *testing.T) {
	for _, tc := range []struct {
		yaml, err string
		age       time.Duration
	}{
		{yaml: "fail_on: high\n", age: DefaultMaxFleetStatusAge},
		{yaml: "fleet:\n  integrity_failures: report\n  past_support: fail\n  max_silent_percent: 2.5\n  max_status_age: 7d\n", age: 7 * 24 * time.Hour},
		{yaml: "fleet:\n  integrity_failures: warn\n", err: `integrity_failures "warn"`},
		{yaml: "fleet:\n  past_support: ignore\n", err: `past_support "ignore"`},
		{yaml: "fleet:\n  max_silent_percent: 101\n", err: "max_silent_percent"},
		{yaml: "fleet:\n  max_status_age: soon\n", err: "max_status_age"},
		{yaml: "fleet:\n  silent: 3\n", err: "silent"},
	} {
		p, err := ParsePolicy([]byte(tc.yaml))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one naming %q", tc.yaml, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.yaml, err)
		}
		if got := p.Fleet.MaxStatusAgeOrDefault(); got != tc.age {
			t.Errorf("%q: max status age %v, want %v", tc.yaml, got, tc.age)
		}
	}
}
