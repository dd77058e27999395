package unitsupport

import (
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

func TestJoin(t *testing.T) {
	end := product.Date{Time: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)}
	sp := &product.SupportPeriod{StartBasis: "batch", Years: 5, Batches: []product.Batch{{ID: "EXT", End: &end}}}
	rels := []Release{
		{Bundle: "b1", Product: "st100", Version: "1.0.1", Support: sp, VulnsKnown: true,
			Artefacts: []Artefact{{Path: "artefacts/fw-1.0.1.tar", Size: 10, SHA256: "aa", SHA512: "bb"}}},
		{Bundle: "b0", Product: "st100", Version: "1.0.0", Support: sp, VulnsKnown: true,
			Artefacts: []Artefact{{Path: "artefacts/fw-1.0.0.tar", Size: 9, SHA256: "cc"}},
			Open:      []Vulnerability{{ID: "CVE-1", Severity: "high", Release: "st100 1.0.0"}}},
		{Bundle: "b2", Product: "st100", Version: "2.0.0", Support: sp,
			Artefacts: []Artefact{{Path: "artefacts/fw-2.tar", Size: 1, SHA256: "ee"}}},
	}
	pom, err := ParseCSV("pom.csv", []byte("unit,placed_on_market,batch\nu-new,2026-03-02,B1\nu-old,2020-06-01,\nu-ext,2020-06-01,EXT\nu-vuln,2026-03-02,\nu-stale,2026-03-02,\nu-len,2026-03-02,\n"))
	if err != nil {
		t.Fatal(err)
	}
	img := func(h map[string]string, n int64) []Image {
		return []Image{{ECU: "main", Path: "fw", Length: n, Hashes: h}}
	}
	at := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	got := Join([]Unit{
		{IDs: []string{"", "u-new"}, Images: img(map[string]string{"sha256": "AA", "sha512": "bb"}, 10)},
		{IDs: []string{"u-old"}, Images: img(map[string]string{"sha256": "aa"}, 10)},
		{IDs: []string{"u-ext"}, Images: img(map[string]string{"sha512": "bb"}, 10)},
		{IDs: []string{"u-vuln"}, Images: img(map[string]string{"sha256": "cc"}, 9)},
		{IDs: []string{"u-none"}, Images: img(map[string]string{"sha256": "aa"}, 10)},
		{IDs: []string{"u-stale"}, Images: img(map[string]string{"sha256": "ee"}, 1)},
		{IDs: []string{"u-len"}, Images: img(map[string]string{"sha256": "aa", "sha512": "00"}, 10)},
	}, Options{At: at, Records: pom, Releases: rels})
	want := []struct{ unit, state, end, vulns, release string }{
		{"u-new", StateInSupport, "2031-03-02", VulnsNone, "st100 1.0.1"},
		{"u-old", StatePastEnd, "2025-06-01", VulnsNone, "st100 1.0.1"},
		{"u-ext", StateInSupport, "2031-01-01", VulnsNone, "st100 1.0.1"},
		{"u-vuln", StateInSupport, "2031-03-02", VulnsOpen, "st100 1.0.0"},
		{"u-none", StateUnknown, "", VulnsNone, "st100 1.0.1"},
		{"u-stale", StateInSupport, "2031-03-02", VulnsUnknown, "st100 2.0.0"},
		{"u-len", StateInSupport, "2031-03-02", VulnsUnknown, ""},
	}
	for i, w := range want {
		g := got[i]
		if g.Unit != w.unit || g.State != w.state || g.SupportEnd != w.end || g.VulnState != w.vulns || g.Images[0].Release != w.release {
			t.Errorf("unit %d: got %s %s %s %s %q, want %+v", i, g.Unit, g.State, g.SupportEnd, g.VulnState, g.Images[0].Release, w)
		}
	}
	if len(got[3].Open) != 1 || got[3].Open[0].ID != "CVE-1" {
		t.Errorf("open: %+v", got[3].Open)
	}
	if got[4].Reason == "" || got[6].Images[0].Problem != "" {
		t.Errorf("unknown reason %q; length problem %q", got[4].Reason, got[6].Images[0].Problem)
	}
	// A hash that matches with another length is named, never matched.
	g := Join([]Unit{{IDs: []string{"u-len"}, Images: img(map[string]string{"sha256": "aa"}, 11)}}, Options{At: at, Records: pom, Releases: rels})
	if g[0].Images[0].Release != "" || g[0].Images[0].Problem == "" || g[0].VulnState != VulnsUnknown {
		t.Errorf("length mismatch: %+v", g[0])
	}
	// Without a placed-on-market file every unit is unknown.
	g = Join([]Unit{{IDs: []string{"u-new"}, Images: img(map[string]string{"sha256": "aa"}, 10)}}, Options{At: at, Releases: rels})
	if g[0].State != StateUnknown || g[0].Reason != "no placed-on-market file given" {
		t.Errorf("no file: %+v", g[0])
	}
}
