package dbsync

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/craudit/craudit/evidence/vuln"
)

// ImportResult says what an import did to one ecosystem.
type ImportResult struct {
	Ecosystem string `json:"ecosystem"`
	// Added and Replaced count imported records new to the ecosystem and
	// ones that replaced a record of the same ID; Total is the count after.
	Added    int `json:"added"`
	Replaced int `json:"replaced"`
	Total    int `json:"total"`
}

// InputError is an input of an import that cannot be used; it names it.
type InputError struct {
	Path string
	Err  error
}

func (e *InputError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// record is one imported record and where its bytes are.
type record struct {
	id   string
	zf   *zip.File // copied raw from a zip, or
	data []byte    // written from these bytes
}

// vulndbEntry is an OSV record inside the golang.org/x/vulndb module zip
// the Go module proxy serves (module@version/data/osv/GO-....json).
var vulndbEntry = regexp.MustCompile(`^golang\.org/x/vulndb@[^/]+/data/osv/[^/]+\.json$`)

// Import adds the OSV records of inputs to the database in dir: OSV
// all.zip files, folders of OSV JSON (searched recursively; an unpacked
// golang.org/x/vulndb module is read from its data/osv), single record
// files, and the golang.org/x/vulndb module zip as the Go module proxy
// serves it. Each record goes to the all.zip of every ecosystem it affects;
// a record of an ID already there replaces it. source describes each input
// in SOURCE (input path -> description); nothing is changed when any input
// fails.
func Import(dir string, inputs []string, source func(input string) string) ([]ImportResult, error) {
	byEco := map[string]map[string]record{}
	from := map[string][]string{}
	labels := map[string]string{} // inputs that say what they are
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	for _, in := range inputs {
		add := func(r record, rec vuln.Record) error {
			ecos := rec.Ecosystems()
			if !recordID.MatchString(rec.ID) {
				return fmt.Errorf("record ID %q cannot name a zip entry", rec.ID)
			}
			for _, eco := range ecos {
				if err := CheckEcosystem(eco); err != nil {
					return fmt.Errorf("record %s: %w", rec.ID, err)
				}
				if byEco[eco] == nil {
					byEco[eco] = map[string]record{}
				}
				byEco[eco][rec.ID] = r
				if !slices.Contains(from[eco], in) {
					from[eco] = append(from[eco], in)
				}
			}
			return nil
		}
		c, label, err := readInput(in, add)
		if label != "" {
			labels[in] = label
		}
		if c != nil {
			closers = append(closers, c)
		}
		if err != nil {
			return nil, &InputError{Path: in, Err: err}
		}
	}
	if len(byEco) == 0 {
		return nil, errors.New("the inputs hold no OSV record that names an ecosystem")
	}
	var out []ImportResult
	src := map[string]string{}
	ecos := make([]string, 0, len(byEco))
	for eco := range byEco {
		ecos = append(ecos, eco)
	}
	slices.Sort(ecos)
	for _, eco := range ecos {
		res, err := mergeEcosystem(dir, eco, byEco[eco])
		if err != nil {
			return out, err
		}
		out = append(out, res)
		var descr []string
		for _, in := range from[eco] {
			d := source(in)
			if l := labels[in]; l != "" {
				d = l + ", " + d
			}
			descr = append(descr, d)
		}
		src[eco] = "imported from " + strings.Join(descr, ", ")
	}
	return out, updateSource(dir, src)
}

// readInput reads one input, handing each record to add; the closer (a zip
// file) must stay open until the records are written. label names a
// golang.org/x/vulndb module zip by its version.
func readInput(in string, add func(record, vuln.Record) error) (io.Closer, string, error) {
	st, err := os.Stat(in)
	if err != nil {
		return nil, "", err
	}
	if st.IsDir() {
		return nil, "", readFolder(in, add)
	}
	if strings.HasSuffix(in, ".json") {
		b, err := readBounded(in)
		if err != nil {
			return nil, "", err
		}
		rec, err := vuln.ParseRecord(b)
		if err != nil {
			return nil, "", err
		}
		return nil, "", add(record{id: rec.ID, data: b}, rec)
	}
	zr, err := zip.OpenReader(in)
	if err != nil {
		return nil, "", fmt.Errorf("neither a folder, a .json record nor a zip: %w", err)
	}
	c, label, err := readZip(zr, add)
	return c, label, err
}

func readZip(zr *zip.ReadCloser, add func(record, vuln.Record) error) (io.Closer, string, error) {
	module := len(zr.File) > 0 && strings.HasPrefix(zr.File[0].Name, "golang.org/x/vulndb@")
	label := ""
	if module {
		_, rest, _ := strings.Cut(zr.File[0].Name, "@")
		ver, _, _ := strings.Cut(rest, "/")
		label = "golang.org/x/vulndb@" + ver + " (module zip of the Go module proxy)"
	}
	n := 0
	for _, zf := range zr.File {
		if module && !vulndbEntry.MatchString(zf.Name) {
			continue
		}
		if !strings.HasSuffix(zf.Name, ".json") || zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return zr, label, fmt.Errorf("%s: %w", zf.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxRecord+1))
		rc.Close()
		if err != nil {
			return zr, label, fmt.Errorf("%s: %w", zf.Name, err)
		}
		rec, err := vuln.ParseRecord(b)
		if err != nil {
			return zr, label, fmt.Errorf("%s: %w", zf.Name, err)
		}
		if err := add(record{id: rec.ID, zf: zf}, rec); err != nil {
			return zr, label, fmt.Errorf("%s: %w", zf.Name, err)
		}
		n++
	}
	if module && n == 0 {
		return zr, label, errors.New("a golang.org/x/vulndb module zip without data/osv records")
	}
	return zr, label, nil
}

// readFolder reads every *.json below dir (only data/osv of an unpacked
// golang.org/x/vulndb module); symlinks are not followed.
func readFolder(dir string, add func(record, vuln.Record) error) error {
	root := dir
	if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module golang.org/x/vulndb")) {
		root = filepath.Join(dir, "data", "osv")
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		b, err := readBounded(p)
		if err != nil {
			return err
		}
		rec, err := vuln.ParseRecord(b)
		if err != nil {
			rel, _ := filepath.Rel(dir, p)
			return fmt.Errorf("%s: %w", rel, err)
		}
		return add(record{id: rec.ID, data: b}, rec)
	})
}

// maxRecord bounds one record (as vuln does).
const maxRecord = 16 << 20

func readBounded(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxRecord {
		return nil, fmt.Errorf("%s: larger than %d bytes, not an OSV record", p, maxRecord)
	}
	return b, nil
}

// mergeEcosystem writes the ecosystem's all.zip anew: the imported records
// sorted by ID, then the old zip's other entries copied unchanged.
func mergeEcosystem(dir, eco string, recs map[string]record) (ImportResult, error) {
	res := ImportResult{Ecosystem: eco}
	p := zipPath(dir, eco)
	var old *zip.ReadCloser
	if _, err := os.Stat(p); err == nil {
		if old, err = zip.OpenReader(p); err != nil {
			return res, fmt.Errorf("%s: %w", p, err)
		}
		defer old.Close()
	}
	ids := make([]string, 0, len(recs))
	for id := range recs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	err := writeAtomic(p, func(f *os.File) error {
		zw := zip.NewWriter(f)
		for _, id := range ids {
			r := recs[id]
			if r.zf != nil {
				h := r.zf.FileHeader
				h.Name = id + ".json"
				w, err := zw.CreateRaw(&h)
				if err != nil {
					return err
				}
				raw, err := r.zf.OpenRaw()
				if err != nil {
					return err
				}
				if _, err := io.Copy(w, raw); err != nil {
					return err
				}
				continue
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: id + ".json", Method: zip.Deflate, Modified: entryTime})
			if err != nil {
				return err
			}
			if _, err := w.Write(r.data); err != nil {
				return err
			}
		}
		res.Added = len(ids)
		if old != nil {
			for _, zf := range old.File {
				if _, replaced := recs[strings.TrimSuffix(zf.Name, ".json")]; replaced {
					res.Replaced++
					continue
				}
				if err := zw.Copy(zf); err != nil {
					return err
				}
				if strings.HasSuffix(zf.Name, ".json") {
					res.Total++
				}
			}
		}
		return zw.Close()
	})
	res.Added -= res.Replaced
	res.Total += len(ids)
	if err != nil {
		return res, fmt.Errorf("%s: %w", p, err)
	}
	return res, nil
}
