package vuln

import (
	"archive/zip"
	"bytes"
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
	// Undated counts records with no usable "modified" (or "published")
	// time; the database's age is unknown while any is undated.
	Undated int `json:"undated_records,omitempty"`
}

// Ecosystem describes one all.zip.
type Ecosystem struct {
	Name    string    `json:"name"`
	Records int       `json:"records"`
	Newest  time.Time `json:"newest_record"`
	SHA256  string    `json:"sha256"`
	// Undated counts records without a usable date.
	Undated int `json:"undated_records,omitempty"`
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
// without any osv-scalibr/<Ecosystem>/all.zip is an error. An ecosystem
// whose zip holds no records is listed with zero records: the scan then
// marks its components not scanned, never clean.
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
		info.Undated += eco.Undated
		if eco.Newest.After(info.Newest) {
			info.Newest = eco.Newest
		}
	}
	if len(info.Ecosystems) == 0 {
		return nil, fmt.Errorf("%w in %s: no %s", ErrNoDatabase, dir, Layout)
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
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return eco, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return eco, err
	}
	eco.SHA256 = hex.EncodeToString(h.Sum(nil))
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return eco, fmt.Errorf("%s: %w", p, err)
	}
	err = EachRecord(zr, func(zname string, rec Record) error {
		eco.Records++
		if d := rec.Date(); d.IsZero() {
			eco.Undated++
		} else if d.After(eco.Newest) {
			eco.Newest = d
		}
		return nil
	})
	if err != nil {
		return eco, fmt.Errorf("%s: %w", p, err)
	}
	return eco, nil
}

// Record is the part of an OSV record the database bookkeeping reads.
type Record struct {
	ID        string `json:"id"`
	Modified  string `json:"modified"`
	Published string `json:"published"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

// Date is the record's "modified" time, else its "published" time; zero
// when neither is a real RFC 3339 time (the Go vulnerability database's
// zero "0001-01-01T00:00:00Z" counts as no date).
func (r Record) Date() time.Time {
	for _, s := range []string{r.Modified, r.Published} {
		if t, err := time.Parse(time.RFC3339, s); err == nil && t.Year() > 1970 {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Ecosystems returns the base ecosystems ("Debian" of "Debian:12") the
// record's affected packages name, sorted, without duplicates.
func (r Record) Ecosystems() []string {
	var out []string
	for _, a := range r.Affected {
		base, _, _ := strings.Cut(a.Package.Ecosystem, ":")
		if base != "" && !slices.Contains(out, base) {
			out = append(out, base)
		}
	}
	slices.Sort(out)
	return out
}

// ParseRecord decodes one OSV record: bounded, one JSON object with an id.
func ParseRecord(b []byte) (Record, error) {
	var rec Record
	if len(b) > maxRecord {
		return rec, fmt.Errorf("record larger than %d bytes", maxRecord)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&rec); err != nil {
		return rec, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rec, errors.New("data after the JSON object")
	}
	if rec.ID == "" {
		return rec, errors.New("not an OSV record: no id")
	}
	return rec, nil
}

// maxEntries bounds the files of one all.zip (the public ones hold up to
// a few hundred thousand records).
const maxEntries = 2_000_000

// EachRecord decodes every *.json entry of an all.zip in order and calls
// fn with it; any entry that is not an OSV record is an error.
func EachRecord(zr *zip.Reader, fn func(name string, rec Record) error) error {
	if len(zr.File) > maxEntries {
		return fmt.Errorf("%d entries, more than %d", len(zr.File), maxEntries)
	}
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".json") || zf.FileInfo().IsDir() {
			continue
		}
		b, err := readEntry(zf)
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		rec, err := ParseRecord(b)
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		if err := fn(zf.Name, rec); err != nil {
			return err
		}
	}
	return nil
}

// readEntry reads one zip entry, at most maxRecord bytes.
func readEntry(zf *zip.File) ([]byte, error) {
	if zf.UncompressedSize64 > maxRecord {
		return nil, fmt.Errorf("record larger than %d bytes", maxRecord)
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxRecord {
		return nil, fmt.Errorf("record larger than %d bytes", maxRecord)
	}
	return b, nil
}

// Ecosystem returns one ecosystem of the database.
func (d *DBInfo) Ecosystem(name string) (Ecosystem, bool) {
	for _, e := range d.Ecosystems {
		if e.Name == name {
			return e, true
		}
	}
	return Ecosystem{}, false
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
