package vuln

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DBInfo is the provenance of the OSV database a scan used.
type DBInfo struct {
	// Source says where the records came from (the SOURCE file at the
	// database root), or that the folder does not say.
	Source string `json:"source"`
	// Layout is the path pattern read inside the database folder.
	Layout     string      `json:"layout"`
	Ecosystems []Ecosystem `json:"ecosystems"`
	Records    int         `json:"records"`
	// Newest is the latest "modified" time among the records.
	Newest time.Time `json:"newest_record"`
}

// Ecosystem describes one all.zip.
type Ecosystem struct {
	Name    string    `json:"name"`
	Records int       `json:"records"`
	Newest  time.Time `json:"newest_record"`
	SHA256  string    `json:"sha256"`
}

// Layout is where osv-scanner v2.5.1 really looks for a local database
// (its documentation still names osv-scanner/, which finds nothing).
const Layout = "osv-scalibr/<Ecosystem>/all.zip"

// SourceFile is the optional file at the database root naming its source.
const SourceFile = "SOURCE"

// ErrNoDatabase means the folder holds no usable OSV database.
var ErrNoDatabase = errors.New("no OSV database")

// maxRecord bounds one OSV record inside a zip.
const maxRecord = 16 << 20

// ReadDB reads the provenance of a local database folder. A folder
// without osv-scalibr/<Ecosystem>/all.zip is an error, never "zero
// records": a scan against nothing must not look clean.
func ReadDB(dir string) (*DBInfo, error) {
	root := filepath.Join(dir, "osv-scalibr")
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("%w in %s: %v (want %s)", ErrNoDatabase, dir, err, Layout)
	}
	info := &DBInfo{Source: "not stated (no SOURCE file in the database folder)", Layout: Layout, Ecosystems: []Ecosystem{}}
	if b, err := os.ReadFile(filepath.Join(dir, SourceFile)); err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			info.Source = s
		}
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(root, e.Name(), "all.zip")
		if _, err := os.Stat(p); err != nil {
			continue
		}
		eco, err := readZip(e.Name(), p)
		if err != nil {
			return nil, err
		}
		info.Ecosystems = append(info.Ecosystems, eco)
		info.Records += eco.Records
		if eco.Newest.After(info.Newest) {
			info.Newest = eco.Newest
		}
	}
	if len(info.Ecosystems) == 0 || info.Records == 0 {
		return nil, fmt.Errorf("%w in %s: no records under %s", ErrNoDatabase, dir, Layout)
	}
	slices.SortFunc(info.Ecosystems, func(a, b Ecosystem) int { return strings.Compare(a.Name, b.Name) })
	return info, nil
}

func readZip(name, p string) (Ecosystem, error) {
	eco := Ecosystem{Name: name}
	f, err := os.Open(p)
	if err != nil {
		return eco, err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return eco, err
	}
	eco.SHA256 = hex.EncodeToString(h.Sum(nil))
	zr, err := zip.OpenReader(p)
	if err != nil {
		return eco, fmt.Errorf("%s: %w", p, err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".json") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return eco, fmt.Errorf("%s: %s: %w", p, zf.Name, err)
		}
		var rec struct {
			Modified time.Time `json:"modified"`
		}
		err = json.NewDecoder(io.LimitReader(rc, maxRecord)).Decode(&rec)
		rc.Close()
		if err != nil {
			return eco, fmt.Errorf("%s: %s: %w", p, zf.Name, err)
		}
		eco.Records++
		if rec.Modified.After(eco.Newest) {
			eco.Newest = rec.Modified.UTC()
		}
	}
	return eco, nil
}

// Has reports whether the database holds an ecosystem.
func (d *DBInfo) Has(eco string) bool {
	for _, e := range d.Ecosystems {
		if e.Name == eco {
			return true
		}
	}
	return false
}
