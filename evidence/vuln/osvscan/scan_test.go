package osvscan

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/osvdb"
	"github.com/craudit/craudit/fixtures/thermostat"
)

func fixtureDB(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := osvdb.WriteDB(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func cdx(purls ...string) []byte {
	var cs []string
	for i, p := range purls {
		name := p[strings.LastIndex(p[:strings.IndexByte(p, '@')], "/")+1 : strings.IndexByte(p, '@')]
		ver := p[strings.IndexByte(p, '@')+1:]
		if q := strings.IndexByte(ver, '?'); q >= 0 {
			ver = ver[:q]
		}
		cs = append(cs, fmt.Sprintf(`{"bom-ref":"c%d","type":"library","name":%q,"version":%q,"purl":%q}`, i, name, ver, p))
	}
	return []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[` + strings.Join(cs, ",") + `]}`)
}

func ids(r *vuln.Report) map[string]vuln.Finding {
	out := map[string]vuln.Finding{}
	for _, f := range r.Findings {
		out[f.ID+"@"+f.Component.Version] = f
	}
	return out
}

func TestScanThermostat(t *testing.T) {
	db := fixtureDB(t)
	tests := []struct {
		version string
		want    []string
		notWant []string
	}{
		{"1.0.0", []string{"ALPINE-CVE-2023-42363", "ALPINE-CVE-2023-42366"}, []string{"ALPINE-CVE-2024-2511"}},
		{"1.0.1", []string{"ALPINE-CVE-2023-42363"}, []string{"ALPINE-CVE-2023-42366", "ALPINE-CVE-2024-2511"}},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			bb := thermostat.BusyboxVersion[tt.version]
			sb := cdx(thermostat.BusyboxPURL(tt.version), "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1")
			r, err := ScanReport(context.Background(), sb, db)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(r)
			for _, id := range tt.want {
				f, ok := got[id+"@"+bb]
				if !ok {
					t.Errorf("%s not found; got %v", id, got)
					continue
				}
				if f.Severity != vuln.SeverityUnknown || f.FixedVersion == "" || f.Component.PURL != thermostat.BusyboxPURL(tt.version) {
					t.Errorf("%s: %+v", id, f)
				}
				if !strings.HasPrefix(f.MatchedBy, "osv-scanner") {
					t.Errorf("%s matched by %s", id, f.MatchedBy)
				}
			}
			for _, id := range tt.notWant {
				if _, ok := got[id+"@"+bb]; ok {
					t.Errorf("%s wrongly matched", id)
				}
			}
			if r.Database == nil || r.Database.Records != osvdb.Count() || r.Database.Newest.IsZero() || r.Database.Source != osvdb.Source {
				t.Errorf("database provenance %+v", r.Database)
			}
		})
	}
}

func TestScanGeneratedSBOM(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "sbom", "generate", "testdata", "thermostat-1.0.1.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ScanReport(context.Background(), b, fixtureDB(t))
	if err != nil {
		t.Fatal(err)
	}
	// The demo image's real matches in 1.0.1: CVE-2023-42363 in the two
	// packages built from busybox, CVE-2024-2511 in the three built from
	// openssl (matched through their source package where the name differs).
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.ID+" "+f.Component.Name)
	}
	slices.Sort(got)
	want := []string{"ALPINE-CVE-2023-42363 busybox", "ALPINE-CVE-2023-42363 ssl_client",
		"ALPINE-CVE-2024-2511 libcrypto3", "ALPINE-CVE-2024-2511 libssl3", "ALPINE-CVE-2024-2511 openssl"}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %v, want %v", got, want)
	}
	// Only the vendor's own files stay unscanned (no advisory database
	// lists them; the demo policy declares them the manufacturer's).
	for _, c := range r.Unscanned {
		if !strings.HasPrefix(c.Name, "/opt/thermostat/") {
			t.Errorf("not scanned: %+v", c)
		}
	}
}

// TestScanMixedCaseGo: osv-scanner v2.5.1 misses Go modules with upper-case
// letters; craudit's own matcher must find them.
func TestScanMixedCaseGo(t *testing.T) {
	sb := cdx("pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azidentity@v1.5.2", "pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azidentity@v1.6.0")
	r, err := ScanReport(context.Background(), sb, fixtureDB(t))
	if err != nil {
		t.Fatal(err)
	}
	got := ids(r)
	f, ok := got["GO-2024-2918@v1.5.2"]
	if !ok {
		t.Fatalf("GO-2024-2918 not found for v1.5.2: %v", got)
	}
	t.Logf("matched by %s", f.MatchedBy)
	if f.FixedVersion != "1.6.0" || !strings.Contains(strings.Join(f.Aliases, ","), "CVE-2024-35255") {
		t.Errorf("finding %+v", f)
	}
	if _, ok := got["GO-2024-2918@v1.6.0"]; ok {
		t.Error("fixed version v1.6.0 reported as affected")
	}
}

func TestScanMissingDatabase(t *testing.T) {
	sb := cdx(thermostat.BusyboxPURL("1.0.1"))
	_, err := ScanReport(context.Background(), sb, t.TempDir())
	if !errors.Is(err, vuln.ErrNoDatabase) {
		t.Fatalf("empty folder: err = %v, want ErrNoDatabase", err)
	}
	// A database without the SBOM's ecosystem, or with an empty one, is
	// no error: the components are recorded as not scanned, by name.
	for name, prep := range map[string]func(dir string) error{
		"missing Alpine": func(dir string) error { return os.RemoveAll(filepath.Join(dir, "osv-scalibr", "Alpine")) },
		"empty Alpine":   func(dir string) error { return writeZip(filepath.Join(dir, "osv-scalibr", "Alpine", "all.zip"), nil) },
	} {
		dir := fixtureDB(t)
		if err := prep(dir); err != nil {
			t.Fatal(err)
		}
		r, err := ScanReport(context.Background(), sb, dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(r.Findings) != 0 || len(r.Unscanned) != 1 || r.Unscanned[0].Name != "busybox" ||
			len(r.Coverage) != 1 || r.Coverage[0].Status != vuln.CoverageNotScanned || !strings.Contains(r.Coverage[0].Reason, "Alpine") {
			t.Errorf("%s: findings %v, unscanned %v, coverage %+v", name, r.Findings, r.Unscanned, r.Coverage)
		}
	}
}

// TestScanDebianAgainstEmptyZip is the case: four Debian packages
// scanned against a database whose Debian ecosystem is an empty all.zip are
// all listed as not scanned, not as clean.
func TestScanDebianAgainstEmptyZip(t *testing.T) {
	dir := t.TempDir()
	if err := writeZip(filepath.Join(dir, "osv-scalibr", "Debian", "all.zip"), nil); err != nil {
		t.Fatal(err)
	}
	sb := cdx("pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12",
		"pkg:deb/debian/libc6@2.36-9+deb12u9?arch=amd64&distro=debian-12",
		"pkg:deb/debian/curl@7.88.1-10+deb12u8?arch=amd64&distro=debian-12",
		"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12")
	r, err := ScanReport(context.Background(), sb, dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range r.Unscanned {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "openssl,libc6,curl,zlib1g" {
		t.Fatalf("not scanned: %v", names)
	}
	for _, c := range r.Coverage {
		if c.Status != vuln.CoverageNotScanned || c.Ecosystem != "Debian" || !strings.Contains(c.Reason, "no records") {
			t.Errorf("coverage %+v", c)
		}
	}
}

func writeZip(p string, files map[string][]byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(p, buf.Bytes(), 0o644)
}
