package vuln

import (
	"strings"
	"testing"
)

func TestScanCoordinates(t *testing.T) {
	tests := []struct {
		purl, name, version   string
		wantName, wantVersion string
		wantPURL, wantSource  string
	}{
		{"pkg:golang/stdlib@1.19.8", "stdlib", "go1.19.8", "stdlib", "1.19.8", "pkg:golang/stdlib@1.19.8", ""},
		{"pkg:golang/stdlib@go1.19.8", "stdlib", "go1.19.8", "stdlib", "1.19.8", "pkg:golang/stdlib@1.19.8", ""},
		{"pkg:golang/stdlib", "stdlib", "go1.22.0 X:boringcrypto", "stdlib", "1.22.0", "pkg:golang/stdlib@1.22.0", ""},
		{"pkg:golang/github.com/a/b@v1.2.3", "github.com/a/b", "v1.2.3", "github.com/a/b", "v1.2.3", "pkg:golang/github.com/a/b@v1.2.3", ""},
		{"pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1", "libcrypto3", "3.1.4-r5",
			"openssl", "3.1.4-r5", "pkg:apk/alpine/openssl@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1", "openssl"},
		{"pkg:deb/debian/libc6@2.31-13?upstream=glibc&distro=debian-11", "libc6", "2.31-13",
			"glibc", "2.31-13", "pkg:deb/debian/glibc@2.31-13?distro=debian-11", "glibc"},
		{"pkg:deb/debian/libc-bin@9?upstream=glibc%402.31-13%2Bdeb11u5", "libc-bin", "9",
			"glibc", "2.31-13+deb11u5", "pkg:deb/debian/glibc@2.31-13+deb11u5", "glibc"},
		{"pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1", "busybox", "1.36.1-r15",
			"busybox", "1.36.1-r15", "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1", ""},
		{"pkg:apk/alpine/busybox@1.36.1-r15?upstream=busybox", "busybox", "1.36.1-r15",
			"busybox", "1.36.1-r15", "pkg:apk/alpine/busybox@1.36.1-r15?upstream=busybox", ""},
		{"not a purl", "x", "1", "x", "1", "not a purl", ""},
	}
	for _, tt := range tests {
		c := ScanCoordinates(tt.purl, tt.name, tt.version)
		if c.Name != tt.wantName || c.Version != tt.wantVersion || c.PURL != tt.wantPURL || c.Source != tt.wantSource {
			t.Errorf("%s: got %+v, want %s %s %s %q", tt.purl, c, tt.wantName, tt.wantVersion, tt.wantPURL, tt.wantSource)
		}
	}
}

// FuzzScanCoordinates: any purl gives coordinates without panicking, and a
// rewritten purl still parses.
func FuzzScanCoordinates(f *testing.F) {
	f.Add("pkg:deb/debian/libc6@2.31-13?upstream=glibc%402.31-13%2Bdeb11u5&distro=debian-11", "go1.19.8")
	f.Add("pkg:golang/stdlib@go1.19.8", "go1.19.8")
	f.Add("pkg:apk/alpine/x@1?upstream=@", "")
	f.Fuzz(func(t *testing.T, purl, version string) {
		c := ScanCoordinates(purl, "n", version)
		if c.PURL != purl && !strings.HasPrefix(c.PURL, "pkg:") {
			t.Fatalf("rewritten purl %q", c.PURL)
		}
	})
}
