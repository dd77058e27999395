package dbsync

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/vuln"
)

// ecosystemName is what may name an ecosystem folder: OSV's base names
// ("Debian", "crates.io", "Red Hat", "Go"), never a path.
var ecosystemName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$`)

// recordID is what may name a record entry inside all.zip.
var recordID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$`)

// CheckEcosystem refuses a name that is not an OSV base ecosystem name.
func CheckEcosystem(name string) error {
	if !ecosystemName.MatchString(name) || strings.Contains(name, "..") {
		return fmt.Errorf("%q is not an OSV ecosystem name (e.g. Debian, Alpine, Go, npm, PyPI)", name)
	}
	return nil
}

// zipPath is where an ecosystem's all.zip lives under dir.
func zipPath(dir, eco string) string { return filepath.Join(dir, "osv-scalibr", eco, "all.zip") }

// entryTime keeps the entries craudit writes independent of the clock.
var entryTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// updateSource rewrites DIR/SOURCE: one "<Ecosystem>: <where from>" line per
// ecosystem; lines of other ecosystems, and other text, are kept.
func updateSource(dir string, set map[string]string) error {
	p := filepath.Join(dir, vuln.SourceFile)
	var lines []string
	if b, err := os.ReadFile(p); err == nil {
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			eco, _, ok := strings.Cut(l, ": ")
			if l == "" || (ok && set[eco] != "") {
				continue
			}
			lines = append(lines, l)
		}
	}
	for eco, src := range set {
		lines = append(lines, eco+": "+src)
	}
	slices.Sort(lines)
	return writeAtomic(p, func(f *os.File) error {
		_, err := f.WriteString(strings.Join(lines, "\n") + "\n")
		return err
	})
}

// writeAtomic writes path through a temporary sibling that fill writes,
// synced and renamed into place; on any error the old file stays.
func writeAtomic(path string, fill func(f *os.File) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}
