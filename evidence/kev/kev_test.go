package kev

import (
	"errors"
	"strings"
	"testing"
)

const sample = `{"title":"Known Exploited Vulnerabilities Catalog","catalogVersion":"2026.11.30","dateReleased":"2026-11-30T15:00:00.0000Z","count":2,
"vulnerabilities":[
 {"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Apache Log4j2 Remote Code Execution Vulnerability","dateAdded":"2021-12-10"},
 {"cveID":"cve-2014-0160","vendorProject":"OpenSSL","product":"OpenSSL","dateAdded":"2022-05-04"}]}`

func TestParse(t *testing.T) {
	c, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Describe(); got != "Known Exploited Vulnerabilities Catalog version 2026.11.30, released 2026-11-30, 2 entries" {
		t.Errorf("Describe = %q", got)
	}
	if e, ok := c.Match("GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"); !ok || e.Product != "Log4j2" {
		t.Errorf("Match by alias = %+v, %v", e, ok)
	}
	if _, ok := c.Lookup("CVE-2014-0160"); !ok {
		t.Error("lower-case cveID not normalised")
	}
	if _, ok := c.Lookup("CVE-2099-0001"); ok {
		t.Error("found an ID the catalogue lacks")
	}
	if got := strings.Join(c.CVEs(), ","); got != "CVE-2014-0160,CVE-2021-44228" {
		t.Errorf("CVEs = %s", got)
	}
}

func TestParseRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"not json":      "kev",
		"no date":       `{"vulnerabilities":[]}`,
		"bad date":      `{"dateReleased":"yesterday","vulnerabilities":[]}`,
		"no list":       `{"dateReleased":"2026-11-30"}`,
		"bad id":        `{"dateReleased":"2026-11-30","vulnerabilities":[{"cveID":"GHSA-xxxx"}]}`,
		"duplicate":     `{"dateReleased":"2026-11-30","vulnerabilities":[{"cveID":"CVE-2021-44228"},{"cveID":"CVE-2021-44228"}]}`,
		"count":         `{"dateReleased":"2026-11-30","count":3,"vulnerabilities":[{"cveID":"CVE-2021-44228"}]}`,
		"trailing data": `{"dateReleased":"2026-11-30","vulnerabilities":[]} {}`,
	} {
		_, err := Parse([]byte(in))
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want a *FormatError", name, err)
		}
	}
	if c, err := Parse([]byte(`{"dateReleased":"2026-11-30","vulnerabilities":[]}`)); err != nil || len(c.Entries) != 0 {
		t.Errorf("an empty catalogue is valid: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(`{"dateReleased":"2026-11-30","vulnerabilities":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		for _, e := range c.Entries {
			if got, ok := c.Lookup(e.CVE); !ok || got.CVE != e.CVE {
				t.Fatalf("entry %s not found by its own ID", e.CVE)
			}
		}
	})
}
