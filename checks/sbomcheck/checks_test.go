package sbomcheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/evidence/vuln/osvscan"
	"github.com/craudit/craudit/fixtures/osvdb"
	"github.com/craudit/craudit/fixtures/thermostat"
)

var refTime = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

const unmatchedVEX = `{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.org/vex/other","author":"x","timestamp":"2024-03-04T09:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"CVE-2023-42363"},"products":[{"@id":"pkg:apk/alpine/busybox@1.36.1-r15"}],"status":"not_affected","justification":"component_not_present"}]}`

// makeBundle writes a bundle of the thermostat 1.0.1 release: the image,
// its generated SBOM, a real offline scan, and the given VEX documents.
func makeBundle(t *testing.T, vexDocs map[string][]byte, scanned bool) *checks.Input {
	t.Helper()
	sb, err := os.ReadFile(filepath.Join("..", "..", "evidence", "sbom", "generate", "testdata", "thermostat-1.0.1.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	db := ""
	if scanned {
		db = t.TempDir()
		if err := osvdb.WriteDB(db); err != nil {
			t.Fatal(err)
		}
	}
	in := scanBundle(t, sb, db, vexDocs)
	// The demo's policy: the thermostat's own files are covered by its
	// manufacturer's advisories; CVE-2024-2511 in openssl is waived.
	pol, err := checks.ParsePolicy(thermostat.PolicyYAML())
	if err != nil {
		t.Fatal(err)
	}
	in.Policy.OwnComponents, in.Policy.Waivers = pol.OwnComponents, pol.Waivers
	return in
}

// scanBundle writes a bundle of the thermostat 1.0.1 image with the SBOM
// sb scanned against the database in db ("": no scan).
func scanBundle(t *testing.T, sb []byte, db string, vexDocs map[string][]byte) *checks.Input {
	t.Helper()
	img, err := thermostat.Image("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	var vulns []byte
	if db != "" {
		if vulns, err = osvscan.Scan(context.Background(), sb, db); err != nil {
			t.Fatal(err)
		}
	} else if vulns, err = vuln.NotScanned("no --osv-db given").Marshal(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	add := func(p, role string, b []byte) {
		if _, err := w.AddBytes(p, role, "application/octet-stream", b); err != nil {
			t.Fatal(err)
		}
	}
	add("artefacts/"+thermostat.ImageName("1.0.1"), bundle.RoleArtefact, img)
	add(bundle.SBOMFile, bundle.RoleSBOM, sb)
	add(bundle.VulnsFile, bundle.RoleVulns, vulns)
	for name, b := range vexDocs {
		if name == bundle.KEVFile { // not VEX: the known-exploited catalogue
			add(bundle.KEVFile, bundle.RoleKEV, b)
			continue
		}
		add("vex/"+name, bundle.RoleVEX, b)
	}
	key, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(bundle.Index{Product: bundle.Subject{ID: "p", Name: "p", Manufacturer: "m"}, Release: bundle.Version{Version: "1.0.1"}, Created: refTime}, key); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(dir, bundle.VerifyOptions{At: refTime})
	if err != nil {
		t.Fatal(err)
	}
	p := checks.DefaultPolicy()
	p.MaxOSVDBAge = "90d"
	return checks.Load(b, nil, refTime, p)
}

func run(t *testing.T, in *checks.Input) map[string]checks.Result {
	t.Helper()
	rep := checks.Run(context.Background(), Checks(), in, checks.RunOptions{})
	out := map[string]checks.Result{}
	for _, r := range rep.Results {
		out[r.Check] = r
	}
	return out
}

func finding(r checks.Result, prefix string) *checks.Finding {
	for i := range r.Findings {
		if strings.HasPrefix(r.Findings[i].Subject, prefix) {
			return &r.Findings[i]
		}
	}
	return nil
}

// TestVEXGate: the known vulnerable busybox is found; the demo's justified
// not_affected statement suppresses it in the severity gate but keeps it in
// the report; a statement matching nothing is listed.
func TestVEXGate(t *testing.T) {
	demoVEX, err := thermostat.VEX("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("without VEX the gate fails", func(t *testing.T) {
		res := run(t, makeBundle(t, nil, true))
		r := res["vuln/severity-threshold"]
		f := finding(r, "ALPINE-CVE-2023-42363@")
		if r.Status != checks.Fail || f == nil || f.Status != checks.Fail {
			t.Fatalf("severity-threshold = %s, finding %+v", r.Status, f)
		}
		if res["vex/unmatched-statements"].Status != checks.NotApplicable {
			t.Errorf("unmatched = %s", res["vex/unmatched-statements"].Status)
		}
	})
	t.Run("justified not_affected suppresses, stays visible; unmatched listed", func(t *testing.T) {
		res := run(t, makeBundle(t, map[string][]byte{"demo.openvex.json": demoVEX, "other.openvex.json": []byte(unmatchedVEX)}, true))
		r := res["vuln/severity-threshold"]
		f := finding(r, "ALPINE-CVE-2023-42363@")
		if r.Status != checks.Waived || f == nil || f.Status != checks.Pass || !strings.Contains(f.Message, "not_affected") {
			t.Fatalf("severity-threshold = %s (%s), finding %+v", r.Status, r.Message, f)
		}
		// The demo's three outcomes: suppressed by not_affected (busybox
		// family), waived with an expiry (openssl); CVE-2023-42366 is
		// fixed in this release, so the scan does not find it.
		if w := finding(r, "ALPINE-CVE-2024-2511@pkg:apk/alpine/libcrypto3@"); w == nil || w.Status != checks.Waived {
			t.Errorf("openssl finding %+v", w)
		}
		if finding(r, "ALPINE-CVE-2023-42366@") != nil {
			t.Error("CVE-2023-42366, fixed in 1.0.1, reported")
		}
		u := res["vex/unmatched-statements"]
		if u.Status != checks.Fail || len(u.Findings) != 1 || !strings.Contains(u.Findings[0].Subject, "other.openvex.json") {
			t.Fatalf("unmatched = %s %+v", u.Status, u.Findings)
		}
	})
	t.Run("everything else passes on the demo release", func(t *testing.T) {
		res := run(t, makeBundle(t, map[string][]byte{"demo.openvex.json": demoVEX}, true))
		for _, id := range []string{"sbom/present", "sbom/covers-artefacts", "sbom/bsi-fields", "vuln/scan-present", "vuln/db-fresh", "vuln/severity-threshold", "vex/unmatched-statements"} {
			if res[id].Status != checks.Pass && (id != "vuln/severity-threshold" || res[id].Status != checks.Waived) {
				t.Errorf("%s = %s: %s", id, res[id].Status, res[id].Message)
			}
		}
	})
	t.Run("a bundle without a scan is reported", func(t *testing.T) {
		res := run(t, makeBundle(t, nil, false))
		if s := res["vuln/scan-present"].Status; s != checks.Fail {
			t.Errorf("scan-present = %s", s)
		}
		if s := res["vuln/known-exploitable"].Status; s != checks.Missing {
			t.Errorf("known-exploitable = %s", s)
		}
	})
}

func TestDBFreshness(t *testing.T) {
	in := makeBundle(t, nil, true)
	in.RefTime = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	if s := run(t, in)["vuln/db-fresh"]; s.Status != checks.Fail {
		t.Errorf("stale database: %s %s", s.Status, s.Message)
	}
	in.Policy.MaxOSVDBAge = ""
	if s := run(t, in)["vuln/db-fresh"]; s.Status != checks.NotApplicable {
		t.Errorf("no policy age: %s", s.Status)
	}
}

func TestInfos(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		i := c.Info()
		if seen[i.ID] || i.Step < 1 || i.Step > 7 || len(i.MapsTo) == 0 || i.Description == "" || i.Remediation == "" || i.Version < 1 {
			t.Errorf("bad info %+v", i)
		}
		seen[i.ID] = true
	}
}

// testKEV is a catalogue in CISA's format for the tests (not the real one):
// it lists the busybox-family vulnerability the demo database finds (in
// more than one package of the demo).
func testKEV(cves ...string) []byte {
	var b strings.Builder
	b.WriteString(`{"title":"test catalogue","catalogVersion":"t1","dateReleased":"2026-11-30T00:00:00Z","vulnerabilities":[`)
	for i, c := range cves {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"cveID":"` + c + `","dateAdded":"2026-11-01"}`)
	}
	b.WriteString("]}")
	return []byte(b.String())
}

// TestKnownExploited: exploitation is judged from the known-exploited
// catalogue, not from severity; without one nothing is evaluated.
func TestKnownExploited(t *testing.T) {
	demoVEX, err := thermostat.VEX("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		docs map[string][]byte
		want checks.Status
		msg  string
	}{
		{"no catalogue: not evaluated", nil, checks.Missing, "no known-exploited catalogue"},
		{"listed and open", map[string][]byte{bundle.KEVFile: testKEV("CVE-2023-42363")}, checks.Fail, "known exploited,"},
		{"listed, VEX not_affected", map[string][]byte{bundle.KEVFile: testKEV("CVE-2023-42363"), "demo.openvex.json": demoVEX}, checks.Pass, "known exploited, 0 of them open"},
		{"not listed", map[string][]byte{bundle.KEVFile: testKEV("CVE-2021-44228")}, checks.Pass, "0 known exploited"},
		{"broken catalogue", map[string][]byte{bundle.KEVFile: []byte(`{"vulnerabilities":[]}`)}, checks.Fail, "dateReleased"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, makeBundle(t, tc.docs, true))["vuln/known-exploitable"]
			if r.Status != tc.want || !strings.Contains(r.Message, tc.msg) {
				t.Errorf("known-exploitable = %s %q, want %s containing %q", r.Status, r.Message, tc.want, tc.msg)
			}
		})
	}
}

// TestKEVMaxAge: with max_kev_age set, a catalogue released too long before
// the reference time fails the check even when nothing in it matches, and
// one without a release date has an unknown age and fails.
func TestKEVMaxAge(t *testing.T) {
	in := makeBundle(t, map[string][]byte{bundle.KEVFile: testKEV("CVE-2021-44228")}, true)
	in.RefTime = time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC) // 31 days after the release
	for _, tc := range []struct {
		max  string
		want checks.Status
		msg  string
	}{
		{"", checks.Pass, "0 known exploited"},
		{"60d", checks.Pass, "0 known exploited"},
		{"7d", checks.Fail, "31 days before the reference time; the policy's max_kev_age allows 7 days"},
	} {
		in.Policy.MaxKEVAge = tc.max
		if err := in.Policy.Validate(); err != nil {
			t.Fatal(err)
		}
		r := run(t, in)["vuln/known-exploitable"]
		if r.Status != tc.want || !strings.Contains(r.Message, tc.msg) {
			t.Errorf("max_kev_age %q: %s %q, want %s containing %q", tc.max, r.Status, r.Message, tc.want, tc.msg)
		}
		f := finding(r, "known-exploited catalogue")
		if (tc.max == "") != (f == nil) {
			t.Errorf("max_kev_age %q: catalogue-age finding %v", tc.max, f)
		}
		if f != nil && f.ID != "vuln/known-exploitable#catalogue-age" {
			t.Errorf("finding ID %s", f.ID)
		}
	}
	in.Policy.MaxKEVAge = "soon"
	if err := in.Policy.Validate(); err == nil {
		t.Error("max_kev_age \"soon\" accepted")
	}
}

func TestKEVAgeUnknown(t *testing.T) {
	ref := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		released time.Time
		max      time.Duration
		judged   bool
		want     checks.Status
	}{
		{"no limit", time.Time{}, 0, false, ""},
		{"no release date", time.Time{}, 24 * time.Hour, true, checks.Fail},
		{"fresh", ref.Add(-12 * time.Hour), 24 * time.Hour, true, checks.Pass},
		{"exactly the limit", ref.Add(-24 * time.Hour), 24 * time.Hour, true, checks.Pass},
		{"stale", ref.Add(-25 * time.Hour), 24 * time.Hour, true, checks.Fail},
		{"released after the reference time", ref.Add(time.Hour), 24 * time.Hour, true, checks.Pass},
	} {
		f, ok := kevAge(tc.released, ref, tc.max)
		if ok != tc.judged || f.Status != tc.want {
			t.Errorf("%s: judged %v status %q, want %v %q (%s)", tc.name, ok, f.Status, tc.judged, tc.want, f.Message)
		}
	}
}
