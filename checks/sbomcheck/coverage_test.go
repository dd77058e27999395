package sbomcheck

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/fixtures/osvdb"
	"github.com/craudit/craudit/fixtures/thermostat"
)

// debianSBOM lists four Debian packages.
var debianPkgs = []string{"openssl@3.0.15-1~deb12u1", "libc6@2.36-9+deb12u9", "curl@7.88.1-10+deb12u8", "zlib1g@1:1.2.13.dfsg-1"}

func debianSBOM() []byte {
	var cs []string
	for i, p := range debianPkgs {
		name, ver, _ := strings.Cut(p, "@")
		cs = append(cs, fmt.Sprintf(`{"bom-ref":"deb%d","type":"library","name":%q,"version":%q,"purl":"pkg:deb/debian/%s@%s?arch=amd64&distro=debian-12"}`, i, name, ver, name, ver))
	}
	return []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[` + strings.Join(cs, ",") + `]}`)
}

func writeZip(t *testing.T, p string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, p, buf.Bytes())
}

func write(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func waiver(id string) checks.Waiver {
	return checks.Waiver{ID: id, Justification: "accepted for the test", Approver: "security lead",
		Expires: product.Date{Time: refTime.AddDate(0, 1, 0)}}
}

// TestEmptyEcosystemFailsTheGate: four Debian packages scanned against a
// database whose Debian all.zip is empty are listed by name as not scanned;
// vuln/scan-present fails, and known-exploitable's "0 findings" is no pass
// of the coverage. Waivers accept them one by one, with counts that follow.
func TestEmptyEcosystemFailsTheGate(t *testing.T) {
	db := t.TempDir()
	writeZip(t, filepath.Join(db, "osv-scalibr", "Debian", "all.zip"), nil)
	in := scanBundle(t, debianSBOM(), db, nil)
	r := run(t, in)["vuln/scan-present"]
	if r.Status != checks.Fail {
		t.Fatalf("scan-present = %s: %s", r.Status, r.Message)
	}
	for _, p := range debianPkgs {
		name, _, _ := strings.Cut(p, "@")
		if !strings.Contains(r.Message, name) {
			t.Errorf("message does not name %s: %s", name, r.Message)
		}
		f := finding(r, "pkg:deb/debian/"+name+"@")
		if f == nil || f.Status != checks.Fail || !strings.Contains(f.Message, "Debian ecosystem holds no records") {
			t.Errorf("%s: finding %+v", name, f)
		}
	}
	if !strings.Contains(r.Message, "components: 0 scanned; 4 not scanned") {
		t.Errorf("message: %s", r.Message)
	}

	first := "vuln/scan-present#pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"
	in.Policy.Waivers = []checks.Waiver{waiver(first)}
	r = run(t, in)["vuln/scan-present"]
	if r.Status != checks.Fail || !strings.Contains(r.Message, "; 3 not scanned: ") || !strings.Contains(r.Message, "1 not scanned, waived by policy: openssl") {
		t.Errorf("one waived: %s %s", r.Status, r.Message)
	}
	for _, p := range debianPkgs[1:] {
		in.Policy.Waivers = append(in.Policy.Waivers, waiver("vuln/scan-present#pkg:deb/debian/"+p+"?arch=amd64&distro=debian-12"))
	}
	if r = run(t, in)["vuln/scan-present"]; r.Status != checks.Waived || strings.Contains(r.Message, "; 4 not scanned:") {
		t.Errorf("all waived: %s %s", r.Status, r.Message)
	}

	// Without the Debian ecosystem at all, the same.
	if err := os.RemoveAll(filepath.Join(db, "osv-scalibr", "Debian")); err != nil {
		t.Fatal(err)
	}
	writeZip(t, filepath.Join(db, "osv-scalibr", "Alpine", "all.zip"), map[string]string{"A-1.json": `{"id":"A-1","modified":"2026-08-01T00:00:00Z"}`})
	in = scanBundle(t, debianSBOM(), db, nil)
	if r = run(t, in)["vuln/scan-present"]; r.Status != checks.Fail || !strings.Contains(r.Message, "4 not scanned") {
		t.Errorf("no Debian ecosystem: %s %s", r.Status, r.Message)
	}
}

// TestOwnComponentsNeverCoverAnEcosystem: the policy may declare components
// without an ecosystem the manufacturer's own, never a Debian package.
func TestOwnComponentsNeverCoverAnEcosystem(t *testing.T) {
	db := t.TempDir()
	writeZip(t, filepath.Join(db, "osv-scalibr", "Debian", "all.zip"), nil)
	in := scanBundle(t, debianSBOM(), db, nil)
	in.Policy.OwnComponents = []checks.OwnComponents{{Match: []string{"pkg:deb/", "openssl"}, Advisories: "https://example.org/adv", Justification: "ours"}}
	if r := run(t, in)["vuln/scan-present"]; r.Status != checks.Fail {
		t.Errorf("own_components covered Debian packages: %s %s", r.Status, r.Message)
	}
	// The demo release without own_components: its two vendor files and
	// the third party's script (no ecosystem) fail.
	in = makeBundle(t, nil, true)
	in.Policy.OwnComponents = nil
	r := run(t, in)["vuln/scan-present"]
	if r.Status != checks.Fail || !strings.Contains(r.Message, "3 not scanned: /opt/thermostat/bin/thermostatd") || !strings.Contains(r.Message, thermostat.GaugeScriptPath) {
		t.Errorf("vendor files without policy: %s %s", r.Status, r.Message)
	}
}

// TestUndatedRecordsFailFreshness: records without a usable date (as in the
// Go vulnerability database's zero time) make the age unknown: fail, with
// or without max_osv_db_age, never "0 days old".
func TestUndatedRecordsFailFreshness(t *testing.T) {
	for name, rec := range map[string]string{
		"no dates":  `{"id":"ALPINE-CVE-2023-42363","affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"busybox"}}]}`,
		"zero time": `{"id":"ALPINE-CVE-2023-42363","modified":"0001-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"busybox"}}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			db := t.TempDir()
			writeZip(t, filepath.Join(db, "osv-scalibr", "Alpine", "all.zip"), map[string]string{"ALPINE-CVE-2023-42363.json": rec})
			sb, err := os.ReadFile(filepath.Join("..", "..", "evidence", "sbom", "generate", "testdata", "thermostat-1.0.1.cdx.json"))
			if err != nil {
				t.Fatal(err)
			}
			in := scanBundle(t, sb, db, nil)
			for _, age := range []string{"90d", ""} {
				in.Policy.MaxOSVDBAge = age
				r := run(t, in)["vuln/db-fresh"]
				if r.Status != checks.Fail || len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Message, "age is unknown") {
					t.Errorf("max age %q: %s %s %+v", age, r.Status, r.Message, r.Findings)
				}
			}
		})
	}
	// A dated database judged per ecosystem: only the ecosystems used count.
	in := makeBundle(t, nil, true)
	r := run(t, in)["vuln/db-fresh"]
	if r.Status != checks.Pass || len(r.Findings) != 1 || r.Findings[0].Subject != "ecosystem Alpine" {
		t.Errorf("demo database: %s %s %+v", r.Status, r.Message, r.Findings)
	}
	in.RefTime = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	if r := run(t, in)["vuln/db-fresh"]; r.Status != checks.Fail {
		t.Errorf("stale: %s %s", r.Status, r.Message)
	}
	_ = osvdb.Source
}

// TestWaiverByAlias: a waiver may name a vulnerability finding by its ID,
// by the CVE alias in the ID's place, or by the alias alone; the check's
// message counts what is still open.
func TestWaiverByAlias(t *testing.T) {
	const purl = "pkg:apk/alpine/busybox@1.36.1-r16?arch=x86_64&distro=alpine-3.19.1"
	for _, id := range []string{
		"vuln/severity-threshold#ALPINE-CVE-2023-42363@" + purl,
		"vuln/severity-threshold#CVE-2023-42363@" + purl,
		"vuln/severity-threshold#CVE-2023-42363",
	} {
		in := makeBundle(t, nil, true)
		in.Policy.Waivers = []checks.Waiver{waiver(id)}
		rep := checks.Run(t.Context(), Checks(), in, checks.RunOptions{})
		var r checks.Result
		for _, x := range rep.Results {
			if x.Check == "vuln/severity-threshold" {
				r = x
			}
		}
		// The image's other findings (busybox-binsh, ssl_client, openssl)
		// stay open unless the waiver names the vulnerability alone.
		f := finding(r, "ALPINE-CVE-2023-42363@"+purl)
		if f == nil || f.Status != checks.Waived || !strings.Contains(r.Message, "waived by policy") {
			t.Errorf("%s: %s %q, finding %+v", id, r.Status, r.Message, f)
		}
		if !rep.Waivers[0].Used {
			t.Errorf("%s: waiver not marked used", id)
		}
	}
	// Another CVE, or the alias on another component, does not match.
	for _, id := range []string{"vuln/severity-threshold#CVE-2023-42366", "vuln/severity-threshold#CVE-2023-42363@pkg:apk/alpine/musl@1"} {
		in := makeBundle(t, nil, true)
		in.Policy.Waivers = []checks.Waiver{waiver(id)}
		r := run(t, in)["vuln/severity-threshold"]
		if f := finding(r, "ALPINE-CVE-2023-42363@"+purl); r.Status != checks.Fail || f == nil || f.Status != checks.Fail {
			t.Errorf("%s: %s %s", id, r.Status, r.Message)
		}
	}
}
