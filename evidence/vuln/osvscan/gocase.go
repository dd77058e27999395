package osvscan

import (
	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/craudit/craudit/evidence/vuln"
)

// osvRecord is the part of an OSV record the Go matcher needs.
type osvRecord struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary"`
	Published string   `json:"published"`
	Modified  string   `json:"modified"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string `json:"type"`
			Events []struct {
				Introduced   string `json:"introduced"`
				Fixed        string `json:"fixed"`
				LastAffected string `json:"last_affected"`
			} `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

// matchMixedCaseGo matches Go modules whose path has upper-case letters
// (github.com/BurntSushi/toml, github.com/Azure/...) against the Go
// records directly: osv-scanner v2.5.1 compares a lower-cased purl
// namespace with the real module path and so misses them.
func matchMixedCaseGo(dbDir string, comps []scanComponent, have []vuln.Finding) ([]vuln.Finding, error) {
	var targets []scanComponent
	for _, c := range comps {
		if c.Ecosystem == "Go" && c.name != strings.ToLower(c.name) {
			targets = append(targets, c)
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	zr, err := zip.OpenReader(filepath.Join(dbDir, "osv-scalibr", "Go", "all.zip"))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	found := map[string]bool{}
	for _, f := range have {
		found[f.ID+"\x00"+f.Component.Ref] = true
	}
	var out []vuln.Finding
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		var rec osvRecord
		err = json.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(&rec)
		rc.Close()
		if err != nil || rec.Withdrawn != "" {
			continue
		}
		for _, c := range targets {
			if found[rec.ID+"\x00"+c.Ref] {
				continue
			}
			if fixed, ok := affects(rec, c.name, c.version); ok {
				found[rec.ID+"\x00"+c.Ref] = true
				aliases := slices.Clone(rec.Aliases)
				slices.Sort(aliases)
				if aliases == nil {
					aliases = []string{}
				}
				out = append(out, vuln.Finding{ID: rec.ID, Aliases: aliases, Summary: rec.Summary, Severity: vuln.SeverityUnknown,
					Component: c.Component, FixedVersion: fixed, Published: rec.Published, Modified: rec.Modified,
					MatchedBy: "craudit Go matcher (osv-scanner " + ScannerVersion + " misses mixed-case module paths)"})
			}
		}
	}
	return out, nil
}

// affects evaluates a record's SEMVER ranges for one Go module version.
func affects(rec osvRecord, module, version string) (string, bool) {
	v := "v" + strings.TrimPrefix(version, "v")
	if !semver.IsValid(v) {
		return "", false
	}
	for _, a := range rec.Affected {
		if a.Package.Ecosystem != "Go" || a.Package.Name != module {
			continue
		}
		if slices.Contains(a.Versions, strings.TrimPrefix(version, "v")) {
			return "", true
		}
		for _, r := range a.Ranges {
			if r.Type != "SEMVER" {
				continue
			}
			in, fixed := false, ""
			for _, e := range r.Events {
				switch {
				case e.Introduced != "":
					iv := "v" + e.Introduced
					if e.Introduced == "0" || semver.Compare(v, iv) >= 0 {
						in = true
					}
				case e.Fixed != "":
					if semver.Compare(v, "v"+e.Fixed) >= 0 {
						in = false
					} else if in && fixed == "" {
						fixed = e.Fixed
					}
				case e.LastAffected != "":
					if semver.Compare(v, "v"+e.LastAffected) > 0 {
						in = false
					}
				}
			}
			if in {
				return fixed, true
			}
		}
	}
	return "", false
}
