package osvscan

import (
	"archive/zip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/shared"
)

// realDB builds an OSV database from the shared real records, with an
// empty all.zip for every other ecosystem the SBOMs need (so Scan does not
// refuse the database for lacking them).
func realDB(t *testing.T, osvDir string, extra []string) string {
	t.Helper()
	byEco := map[string]map[string][]byte{}
	for _, sub := range []string{"go", "ghsa"} {
		files, _ := filepath.Glob(filepath.Join(osvDir, sub, "*.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var rec struct {
				Affected []struct {
					Package struct{ Ecosystem string } `json:"package"`
				} `json:"affected"`
			}
			if err := json.Unmarshal(b, &rec); err != nil {
				t.Fatal(err)
			}
			for _, a := range rec.Affected {
				eco, _, _ := strings.Cut(a.Package.Ecosystem, ":")
				if byEco[eco] == nil {
					byEco[eco] = map[string][]byte{}
				}
				byEco[eco][filepath.Base(f)] = b
			}
		}
	}
	for _, e := range extra {
		if byEco[e] == nil {
			byEco[e] = map[string][]byte{}
		}
	}
	dir := t.TempDir()
	for eco, recs := range byEco {
		d := filepath.Join(dir, "osv-scalibr", eco)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(d, "all.zip"))
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for name, b := range recs {
			w, _ := zw.Create(name)
			_, _ = w.Write(b)
		}
		_ = zw.Close()
		_ = f.Close()
	}
	// ReadDB refuses a database without records; the shared records give some.
	return dir
}

// TestScanRealWorld scans the shared real SBOMs against the shared real OSV
// records and compares with the expected (independently derived) matches.
func TestScanRealWorld(t *testing.T) {
	osvDir := shared.Testdata(t, "osv")
	sbomDir := shared.Testdata(t, "sbom")
	raw, err := os.ReadFile(filepath.Join(osvDir, "expected-matches.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Records map[string]struct {
			Matches []struct{ Package, SBOM, Version string } `json:"matches"`
		} `json:"records"`
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]bool{} // sbom -> "ID package version"
	for id, r := range exp.Records {
		for _, m := range r.Matches {
			if want[m.SBOM] == nil {
				want[m.SBOM] = map[string]bool{}
			}
			want[m.SBOM][id+" "+m.Package+" "+m.Version] = true
		}
	}
	db := realDB(t, osvDir, []string{"Go", "npm", "Maven", "Packagist", "PyPI", "RubyGems", "crates.io", "NuGet", "Alpine", "Debian", "Hex", "Pub"})
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			cdxBytes, err := sbom.Import(filepath.Join(sbomDir, name))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ScanReport(context.Background(), cdxBytes, db)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, f := range r.Findings {
				got[f.ID+" "+osvName(f.Component.PURL, f.Component.Name)+" "+f.Component.Version] = true
			}
			for k := range w {
				if !got[k] {
					t.Errorf("missed %s", k)
				}
			}
			for _, withdrawn := range []string{"GO-2022-0617", "GO-2025-3543"} {
				for k := range got {
					if strings.HasPrefix(k, withdrawn+" ") {
						t.Errorf("withdrawn record reported: %s", k)
					}
				}
			}
			_ = vuln.Schema
		})
	}
}
