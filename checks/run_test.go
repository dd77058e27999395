package checks

import (
	"context"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

func fixed(id string, step int, out Outcome) Check {
	return Func{I: Info{ID: id, Version: 1, Step: step}, F: func(context.Context, *Input) Outcome { return out }}
}

func TestRunExitCodesAndWaivers(t *testing.T) {
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	date := func(s string) product.Date { d, _ := product.ParseDate(s); return product.Date{Time: d} }
	failing := fixed("vuln/known-exploitable", 1, Outcome{Status: Fail, Findings: []Finding{
		{ID: "vuln/known-exploitable#CVE-1", Status: Fail, Subject: "CVE-1"},
		{ID: "vuln/known-exploitable#CVE-2", Status: Pass, Subject: "CVE-2"},
	}})
	passing := fixed("manifest/signature", 5, Outcome{Status: Pass})
	erroring := fixed("verifier/freshness", 3, Outcome{Status: Error, Message: "could not run"})
	panicking := Func{I: Info{ID: "x/panic", Version: 1, Step: 7}, F: func(context.Context, *Input) Outcome { panic("boom") }}
	waiver := func(id, exp string) Waiver {
		return Waiver{ID: id, Justification: "accepted risk", Approver: "CISO", Expires: date(exp)}
	}
	tests := []struct {
		name     string
		list     []Check
		policy   Policy
		wantExit int
		wantStat map[string]Status
	}{
		{"all pass", []Check{passing}, Policy{}, 0, nil},
		{"a required failure", []Check{passing, failing}, Policy{}, 1, map[string]Status{"vuln/known-exploitable": Fail}},
		{"failure of a check not required", []Check{passing, failing}, Policy{Required: []string{"manifest/signature"}}, 0, nil},
		{"required by step", []Check{passing, failing}, Policy{Required: []string{"enisa/step/1"}}, 1, nil},
		{"finding waived", []Check{failing}, Policy{Waivers: []Waiver{waiver("vuln/known-exploitable#CVE-1", "2027-01-01")}}, 0, map[string]Status{"vuln/known-exploitable": Waived}},
		{"check waived", []Check{failing}, Policy{Waivers: []Waiver{waiver("vuln/known-exploitable", "2027-01-01")}}, 0, map[string]Status{"vuln/known-exploitable": Waived}},
		{"waiver expired", []Check{failing}, Policy{Waivers: []Waiver{waiver("vuln/known-exploitable#CVE-1", "2026-05-31")}}, 1, map[string]Status{"vuln/known-exploitable": Fail}},
		{"error without failure", []Check{passing, erroring}, Policy{}, 2, nil},
		{"failure beats error", []Check{failing, erroring}, Policy{}, 1, nil},
		{"panic is an error, never a pass", []Check{panicking}, Policy{}, 2, map[string]Status{"x/panic": Error}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.policy
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			in := &Input{RefTime: at, Policy: &p}
			r := Run(context.Background(), tc.list, in, RunOptions{})
			if got := r.ExitCode(); got != tc.wantExit {
				t.Fatalf("exit %d, want %d (%+v)", got, tc.wantExit, r.Results)
			}
			for id, want := range tc.wantStat {
				found := false
				for _, res := range r.Results {
					if res.Check == id {
						found = true
						if res.Status != want {
							t.Errorf("%s: %s, want %s", id, res.Status, want)
						}
					}
				}
				if !found {
					t.Errorf("%s: no result", id)
				}
			}
			for _, w := range r.Waivers {
				if w.Expired && w.Used && r.ExitCode() == 0 {
					t.Error("an expired waiver opened the gate")
				}
			}
		})
	}
}

func TestPolicyValidate(t *testing.T) {
	for name, body := range map[string]string{
		"bad severity":       "fail_on: severe\n",
		"waiver no approver": "waivers:\n  - id: a/b\n    justification: x\n    expires: 2027-01-01\n",
		"bad age":            "max_osv_db_age: soon\n",
		"unknown key":        "fail_onn: high\n",
	} {
		if _, err := ParsePolicy([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	p, err := ParsePolicy([]byte("fail_on: medium\nmax_osv_db_age: 30d\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.FailsOn("medium") || p.FailsOn("low") || !p.FailsOn("unknown-severity") {
		t.Error("severity threshold misapplied (unknown must count as high)")
	}
	if p.MaxDBAge() != 30*24*time.Hour {
		t.Errorf("max age %v", p.MaxDBAge())
	}
}
