package vuln

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/osvdb"
)

func TestReadDB(t *testing.T) {
	dir := t.TempDir()
	if err := osvdb.WriteDB(dir); err != nil {
		t.Fatal(err)
	}
	info, err := ReadDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info.Records != osvdb.Count() || len(info.Ecosystems) != len(osvdb.Ecosystems()) || info.Source != osvdb.Source ||
		!info.Newest.Equal(time.Date(2026, 8, 7, 6, 18, 1, 511918000, time.UTC)) {
		t.Errorf("provenance %+v", info)
	}
	for _, bad := range []string{t.TempDir(), filepath.Join(dir, "nope")} {
		if _, err := ReadDB(bad); err == nil {
			t.Errorf("%s: no error for a missing database", bad)
		}
	}
	// The layout osv-scanner's docs name (osv-scanner/) is not read.
	wrong := t.TempDir()
	if err := os.Rename(filepath.Join(dir, "osv-scalibr"), filepath.Join(wrong, "osv-scanner")); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDB(wrong); err == nil || !strings.Contains(err.Error(), "osv-scalibr") {
		t.Errorf("misplaced database: %v", err)
	}
}

func TestReportRoundTrip(t *testing.T) {
	b, err := NotScanned("no --osv-db given").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Parse(b)
	if err != nil || r.Scanned || r.NotScannedReason == "" {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := Parse([]byte(`{"schema":"` + Schema + `","scanned":true}`)); err == nil {
		t.Error("scan without provenance accepted")
	}
}

func TestSeverityAndEcosystem(t *testing.T) {
	for score, want := range map[string]string{"": SeverityUnknown, "9.8": SeverityCritical, "7.5": SeverityHigh, "5": SeverityMedium, "0.1": SeverityLow, "x": SeverityUnknown} {
		if got := SeverityFromScore(score); got != want {
			t.Errorf("%q: %s, want %s", score, got, want)
		}
	}
	for purl, want := range map[string]string{
		"pkg:apk/alpine/busybox@1": "Alpine", "pkg:apk/wolfi/busybox@1": "", "pkg:golang/github.com/A/b@v1": "Go",
		"pkg:deb/debian/x@1": "Debian", "pkg:generic/x@1": "", "pkg:maven/a/b@1": "Maven", "nonsense": "",
	} {
		if got := EcosystemOf(purl); got != want {
			t.Errorf("%s: %q, want %q", purl, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	b, _ := NotScanned("x").Marshal()
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		if _, err := r.Marshal(); err != nil {
			t.Fatal(err)
		}
	})
}
