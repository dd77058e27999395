package dbsync

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/osvdb"
)

var at = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

func rec(id, eco, modified string) string {
	m := ""
	if modified != "" {
		m = fmt.Sprintf(`,"modified":%q`, modified)
	}
	return fmt.Sprintf(`{"id":%q%s,"affected":[{"package":{"ecosystem":%q,"name":"p"}}]}`, id, m, eco)
}

func zipBytes(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range files {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(b))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func write(t testing.TB, p string, b []byte) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func src(in string) string { return filepath.Base(in) }

func TestImport(t *testing.T) {
	db := t.TempDir()
	if err := osvdb.WriteDB(db); err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	debZip := write(t, filepath.Join(in, "Debian-all.zip"), zipBytes(t, map[string]string{
		"DEBIAN-CVE-2024-0001.json": rec("DEBIAN-CVE-2024-0001", "Debian:12", "2026-08-01T00:00:00Z"),
		"DSA-5000-1.json":           rec("DSA-5000-1", "Debian:11", "2026-07-01T00:00:00Z"),
	}))
	folder := filepath.Join(in, "advisories")
	write(t, filepath.Join(folder, "a", "GHSA-aaaa-bbbb-cccc.json"), []byte(rec("GHSA-aaaa-bbbb-cccc", "npm", "2026-06-01T00:00:00Z")))
	write(t, filepath.Join(folder, "ALPINE-CVE-2023-42363.json"), []byte(rec("ALPINE-CVE-2023-42363", "Alpine:v3.20", "2026-08-20T00:00:00Z")))
	write(t, filepath.Join(folder, "notes.txt"), []byte("not a record"))
	// The golang.org/x/vulndb module zip as the Go module proxy serves it:
	// only data/osv holds OSV records; other JSON is not read.
	const mod = "golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018/"
	modZip := write(t, filepath.Join(in, "vulndb.zip"), zipBytes(t, map[string]string{
		mod + "go.mod":                       "module golang.org/x/vulndb\n",
		mod + "data/osv/GO-2026-0001.json":   rec("GO-2026-0001", "Go", "0001-01-01T00:00:00Z"),
		mod + "data/osv/GO-2024-2918.json":   rec("GO-2024-2918", "Go", "0001-01-01T00:00:00Z"),
		mod + "internal/testdata/other.json": `{"not":"osv"}`,
	}))
	res, err := Import(db, []string{debZip, folder, modZip}, src)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ImportResult{}
	for _, r := range res {
		got[r.Ecosystem] = r
	}
	want := map[string]ImportResult{
		// The fixture database already holds two Debian records.
		"Alpine": {"Alpine", 0, 1, 3}, "Debian": {"Debian", 2, 0, 4}, "Go": {"Go", 1, 1, 2}, "npm": {"npm", 1, 0, 1},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("results %v, want %v", got, want)
	}
	info, err := vuln.ReadDB(db)
	if err != nil {
		t.Fatal(err)
	}
	if info.Records != 10 || len(info.Ecosystems) != 4 {
		t.Errorf("database %+v", info)
	}
	if e, _ := info.Ecosystem("Go"); e.Undated != 2 || !e.Newest.IsZero() {
		t.Errorf("Go: %+v (the vulndb module's records are undated)", e)
	}
	for _, want := range []string{"Debian: imported from Debian-all.zip", "Go: imported from golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018 (module zip of the Go module proxy), vulndb.zip", osvdb.Source} {
		if !strings.Contains(info.Source, want) {
			t.Errorf("SOURCE %q lacks %q", info.Source, want)
		}
	}

	// A bad input changes nothing.
	before, _ := os.ReadFile(filepath.Join(db, "osv-scalibr", "Debian", "all.zip"))
	for name, body := range map[string][]byte{
		"truncated.zip":  zipBytes(t, map[string]string{"X.json": rec("X", "Debian", "")})[:40],
		"bad-record.zip": zipBytes(t, map[string]string{"X.json": `{"id":`}),
		"traversal.zip":  zipBytes(t, map[string]string{"X.json": rec("X", "../../etc", "")}),
		"bad-id.zip":     zipBytes(t, map[string]string{"X.json": rec("../X", "Debian", "")}),
	} {
		p := write(t, filepath.Join(t.TempDir(), name), body)
		var ie *InputError
		if _, err := Import(db, []string{debZip, p}, src); !errors.As(err, &ie) || ie.Path != p {
			t.Errorf("%s: err %v", name, err)
		}
	}
	after, _ := os.ReadFile(filepath.Join(db, "osv-scalibr", "Debian", "all.zip"))
	if !bytes.Equal(before, after) {
		t.Error("a failed import changed Debian/all.zip")
	}
	if _, err := os.Stat(filepath.Join(db, "osv-scalibr", "..", "..")); err != nil {
		t.Fatal(err)
	}
}

func TestStatus(t *testing.T) {
	db := t.TempDir()
	write(t, filepath.Join(db, "osv-scalibr", "Debian", "all.zip"), zipBytes(t, nil))
	write(t, filepath.Join(db, "osv-scalibr", "Go", "all.zip"), zipBytes(t, map[string]string{"GO-1.json": rec("GO-1", "Go", "0001-01-01T00:00:00Z")}))
	write(t, filepath.Join(db, "osv-scalibr", "Alpine", "all.zip"), zipBytes(t, map[string]string{"A-1.json": rec("A-1", "Alpine:v3.19", "2026-08-01T00:00:00Z")}))
	doc, err := sbom.Decode([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
	 {"bom-ref":"1","type":"library","name":"curl","version":"7","purl":"pkg:deb/debian/curl@7"},
	 {"bom-ref":"2","type":"library","name":"x","version":"v1","purl":"pkg:golang/example.org/x@v1"},
	 {"bom-ref":"3","type":"library","name":"musl","version":"1","purl":"pkg:apk/alpine/musl@1"},
	 {"bom-ref":"4","type":"library","name":"left-pad","version":"1","purl":"pkg:npm/left-pad@1"},
	 {"bom-ref":"5","type":"file","name":"/opt/app/appd","version":"1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	st, err := ReadStatus(db, doc, at)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, n := range st.Needed {
		states[n.Ecosystem] = n.State
	}
	if fmt.Sprint(states) != "map[Alpine:ok Debian:empty Go:undated npm:missing]" || len(st.Problems) != 3 || st.NoEcosystem != 1 {
		t.Errorf("needed %v, problems %q, no ecosystem %d", states, st.Problems, st.NoEcosystem)
	}
	for _, e := range st.Ecosystems {
		if (e.Name == "Alpine") != (e.AgeDays != nil) {
			t.Errorf("%s: age %v", e.Name, e.AgeDays)
		}
	}
	if txt := st.Text(); !strings.Contains(txt, "age unknown") || !strings.Contains(txt, "31 days old") {
		t.Errorf("text:\n%s", txt)
	}
}

// mirror is a loopback HTTPS OSV bucket serving zips by path.
func mirror(t *testing.T, files map[string][]byte) *httptest.Server {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestUpdate(t *testing.T) {
	good := zipBytes(t, map[string]string{"DSA-1.json": rec("DSA-1", "Debian:12", "2026-08-01T00:00:00Z"), "DSA-2.json": rec("DSA-2", "Debian:12", "2026-08-02T00:00:00Z")})
	srv := mirror(t, map[string][]byte{
		"/Debian/all.zip":    good,
		"/Alpine/all.zip":    []byte("this is not a zip"),
		"/Go/all.zip":        zipBytes(t, map[string]string{"GO-1.json": `{"id":`}),
		"/crates.io/all.zip": bytes.Repeat([]byte("x"), 4096),
	})
	db := t.TempDir()
	o := UpdateOptions{Dir: db, Ecosystems: []string{"Debian"}, BaseURL: srv.URL, Client: srv.Client(), Now: at}
	var progress bytes.Buffer
	o.Progress = &progress
	res, err := Update(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Records != 2 || !res[0].Newest.Equal(time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC)) || !strings.Contains(progress.String(), "Debian") {
		t.Errorf("result %+v, progress %q", res, progress.String())
	}
	got, err := os.ReadFile(filepath.Join(db, "osv-scalibr", "Debian", "all.zip"))
	if err != nil || !bytes.Equal(got, good) {
		t.Fatalf("Debian/all.zip not the served one (%v)", err)
	}
	if b, _ := os.ReadFile(filepath.Join(db, "SOURCE")); !strings.Contains(string(b), "Debian: "+srv.URL+"/Debian/all.zip") {
		t.Errorf("SOURCE %q", b)
	}
	// Failures leave the old zip in place, and no temporary file.
	for _, eco := range []string{"Alpine", "Go", "crates.io", "npm"} {
		old := write(t, filepath.Join(db, "osv-scalibr", eco, "all.zip"), good)
		o := UpdateOptions{Dir: db, Ecosystems: []string{eco}, BaseURL: srv.URL, Client: srv.Client(), MaxBytes: 1024, Now: at}
		if _, err := Update(context.Background(), o); err == nil {
			t.Errorf("%s: no error", eco)
		}
		if b, _ := os.ReadFile(old); !bytes.Equal(b, good) {
			t.Errorf("%s: old zip replaced", eco)
		}
		if left, _ := filepath.Glob(filepath.Join(db, "osv-scalibr", eco, ".*")); len(left) > 0 {
			t.Errorf("%s: left %v", eco, left)
		}
	}
	// Only https, only ecosystem names, only a trusted certificate.
	for name, o := range map[string]UpdateOptions{
		"http":           {Dir: db, Ecosystems: []string{"Debian"}, BaseURL: "http://127.0.0.1:1", Now: at},
		"path traversal": {Dir: db, Ecosystems: []string{"../x"}, BaseURL: srv.URL, Client: srv.Client(), Now: at},
		"untrusted cert": {Dir: db, Ecosystems: []string{"Debian"}, BaseURL: srv.URL, Client: &http.Client{}, Now: at},
	} {
		if _, err := Update(context.Background(), o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzImportZip imports arbitrary bytes as an all.zip: never a panic, never
// a write outside the database folder, and what it accepts reads back.
func FuzzImportZip(f *testing.F) {
	f.Add(zipBytes(f, map[string]string{"A.json": rec("A", "Debian:12", "2026-01-01T00:00:00Z")}))
	f.Add(zipBytes(f, map[string]string{"golang.org/x/vulndb@v0.0.0-1/data/osv/GO-1.json": rec("GO-1", "Go", "")}))
	f.Add(zipBytes(f, map[string]string{"A.json": rec("A", "../x", "")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		root := t.TempDir()
		in := write(t, filepath.Join(root, "in.zip"), b)
		db := filepath.Join(root, "db")
		if _, err := Import(db, []string{in}, src); err != nil {
			return
		}
		info, err := vuln.ReadDB(db)
		if err != nil || info.Records == 0 {
			t.Fatalf("accepted import does not read back: %v", err)
		}
		entries, _ := os.ReadDir(root)
		if len(entries) != 2 {
			t.Fatalf("import wrote outside the database: %v", entries)
		}
	})
}
