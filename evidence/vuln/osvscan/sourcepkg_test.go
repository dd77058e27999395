package osvscan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/sbom/generate"
	"github.com/craudit/craudit/fixtures/shared"
)

// TestScanGoStdlibRealBinary is the case: the real /usr/bin/mender
// (Debian's mender-client, built with Go 1.19.8) catalogued by syft has a
// "stdlib" component at "go1.19.8"; the Go records GO-2023-2102 and
// GO-2024-2687 affect that toolchain by their ranges and must be found.
func TestScanGoStdlibRealBinary(t *testing.T) {
	const bin = "/usr/bin/mender"
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is absent (Debian package mender-client), and CI=true forbids skipping", bin)
		}
		t.Skipf("%s is absent (Debian package mender-client); skipping", bin)
	}
	out, err := exec.Command("go", "version", bin).Output()
	if err != nil || !strings.Contains(string(out), "go1.19.") {
		t.Skipf("%s is not the Go 1.19 build this test expects: %s %v", bin, out, err)
	}
	db := realDB(t, shared.Testdata(t, "osv"), nil)
	sb, err := generate.Generate(context.Background(), []generate.Input{{Name: "mender", Path: bin}},
		generate.Options{ToolName: "craudit", Timestamp: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sbom.Decode(sb)
	if err != nil {
		t.Fatal(err)
	}
	stdlib := ""
	for _, c := range doc.Components {
		if c.Name == "stdlib" {
			stdlib = c.Version + " " + c.PURL
		}
	}
	if !strings.HasPrefix(stdlib, "go1.19.") {
		t.Fatalf("syft's stdlib component: %q, want the go1.19.x toolchain", stdlib)
	}
	r, err := ScanReport(context.Background(), sb, db)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range r.Findings {
		if f.Component.Name == "stdlib" {
			got[f.ID] = true
			if f.Component.Version != strings.Fields(stdlib)[0] {
				t.Errorf("%s names the component version %q, want the SBOM's %q", f.ID, f.Component.Version, strings.Fields(stdlib)[0])
			}
		}
	}
	for _, id := range []string{"GO-2023-2102", "GO-2024-2687"} {
		if !got[id] {
			t.Errorf("%s not found for stdlib %s; stdlib findings: %v", id, stdlib, got)
		}
	}
	t.Logf("stdlib %s: %d findings", stdlib, len(got))
}

// TestScanDebianSourcePackage: Debian binary packages whose name differs
// from their source (libc6 from glibc, zlib1g from zlib) are matched
// through the source name syft writes as the purl's upstream qualifier.
func TestScanDebianSourcePackage(t *testing.T) {
	db := fixtureDB(t)
	tests := []struct {
		purl string
		want string // finding ID, "" for none
	}{
		{"pkg:deb/debian/libc6@2.31-13+deb11u6?arch=armhf&upstream=glibc&distro=debian-11", "DEBIAN-CVE-2023-4911"},
		{"pkg:deb/debian/libc6@2.31-13+deb11u7?arch=armhf&upstream=glibc&distro=debian-11", ""},
		{"pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64&upstream=glibc&distro=debian-12", "DEBIAN-CVE-2023-4911"},
		{"pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2+deb11u1?arch=amd64&upstream=zlib&distro=debian-11", "DEBIAN-CVE-2022-37434"},
		{"pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2+deb11u2?arch=amd64&upstream=zlib&distro=debian-11", ""},
		// Source version given with the name (dpkg "Source: glibc (2.31-13+deb11u5)").
		{"pkg:deb/debian/libc-bin@9.9?arch=amd64&upstream=glibc%402.31-13%2Bdeb11u5&distro=debian-11", "DEBIAN-CVE-2023-4911"},
		// Without the upstream qualifier the binary name matches nothing.
		{"pkg:deb/debian/libc6@2.31-13+deb11u6?arch=armhf&distro=debian-11", ""},
	}
	for _, tt := range tests {
		t.Run(tt.purl, func(t *testing.T) {
			r, err := ScanReport(context.Background(), cdx(tt.purl), db)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range r.Findings {
				ids = append(ids, f.ID)
				if f.Component.PURL != tt.purl {
					t.Errorf("finding names %s, want the SBOM's purl", f.Component.PURL)
				}
				if !strings.Contains(f.MatchedBy, "source package") || f.FixedVersion == "" {
					t.Errorf("finding %+v", f)
				}
			}
			if strings.Join(ids, ",") != tt.want {
				t.Errorf("findings %v, want %q", ids, tt.want)
			}
		})
	}
}

// TestScanDebianRealSBOM scans the real syft SBOM of a Debian 11 image
// (kubectl arm-v7) from the shared test data: libc6 2.31-13+deb11u6 is
// matched through glibc, zlib1g 1:1.2.11.dfsg-2+deb11u2 (fixed) is not.
func TestScanDebianRealSBOM(t *testing.T) {
	p := filepath.Join(shared.Testdata(t, "sbom-more"), "spdx22-kubectl-arm-v7-syft.spdx.json")
	cdxBytes, err := sbom.Import(p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ScanReport(context.Background(), cdxBytes, fixtureDB(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range r.Findings {
		got[f.ID+" "+f.Component.Name+" "+f.Component.Version] = true
	}
	if !got["DEBIAN-CVE-2023-4911 libc6 2.31-13+deb11u6"] {
		t.Errorf("libc6 not matched through glibc; findings %v", got)
	}
	for k := range got {
		if strings.HasPrefix(k, "DEBIAN-CVE-2022-37434 ") {
			t.Errorf("fixed zlib1g reported: %s", k)
		}
	}
}
