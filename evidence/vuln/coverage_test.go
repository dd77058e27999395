package vuln

import (
	"archive/zip"
	"bytes"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/sbom"
)

func TestCover(t *testing.T) {
	db := &DBInfo{Ecosystems: []Ecosystem{{Name: "Alpine", Records: 3}, {Name: "Debian", Records: 0}}}
	doc := &sbom.Document{
		Components: []sbom.Component{
			{Ref: "img", Type: "firmware", Name: "fw.tar", Children: []int{1, 3}},
			{Ref: "bb", Type: "library", Name: "busybox", PURL: "pkg:apk/alpine/busybox@1", Parent: "img", Children: []int{2}},
			{Ref: "bb/file", Type: "file", Name: "/bin/busybox", Parent: "bb"},
			{Ref: "own", Type: "file", Name: "/opt/app/bin/appd", Parent: "img"},
			{Ref: "deb", Name: "curl", PURL: "pkg:deb/debian/curl@7"},
			{Ref: "go", Name: "x", PURL: "pkg:golang/example.org/x@v1"},
			{Ref: "wolfi", Name: "y", PURL: "pkg:apk/wolfi/y@1"},
			{Ref: "lonely", Type: "firmware", Name: "blob.bin"},
		},
	}
	want := map[string]string{
		"img": CoveragePartOf, "bb": CoverageScanned, "bb/file": CoveragePartOf, "own": CoverageNotScanned,
		"deb": CoverageNotScanned, "go": CoverageNotScanned, "wolfi": CoverageNotScanned, "lonely": CoverageNotScanned,
	}
	cov := Cover(doc, db)
	if len(cov) != len(doc.Components) {
		t.Fatalf("%d coverage entries for %d components", len(cov), len(doc.Components))
	}
	for _, c := range cov {
		if c.Status != want[c.Ref] {
			t.Errorf("%s: %s (%s), want %s", c.Ref, c.Status, c.Reason, want[c.Ref])
		}
		if c.Status == CoverageNotScanned && c.Reason == "" {
			t.Errorf("%s: not scanned without a reason", c.Ref)
		}
	}
	if got := len(NotScannedComponents(cov)); got != 5 {
		t.Errorf("%d not scanned, want 5", got)
	}
}

func zipOf(t testing.TB, files map[string]string) *zip.Reader {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, b := range files {
		w, _ := zw.Create(n)
		w.Write([]byte(b))
	}
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}

func TestRecordDates(t *testing.T) {
	for rec, want := range map[string]time.Time{
		`{"id":"A","modified":"2026-01-02T03:04:05Z"}`:                                    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		`{"id":"A","published":"2025-01-02T03:04:05Z"}`:                                   time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		`{"id":"A","modified":"0001-01-01T00:00:00Z"}`:                                    {},
		`{"id":"A","modified":"yesterday"}`:                                               {},
		`{"id":"A"}`:                                                                      {},
		`{"id":"A","modified":"0001-01-01T00:00:00Z","published":"2024-05-06T00:00:00Z"}`: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC),
	} {
		r, err := ParseRecord([]byte(rec))
		if err != nil {
			t.Fatalf("%s: %v", rec, err)
		}
		if got := r.Date(); !got.Equal(want) {
			t.Errorf("%s: %v, want %v", rec, got, want)
		}
	}
	for _, bad := range []string{``, `{}`, `{"id":"A"} {"id":"B"}`, `[1]`, `{"id":`} {
		if _, err := ParseRecord([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	n := 0
	err := EachRecord(zipOf(t, map[string]string{"a.json": `{"id":"A"}`, "dir/b.json": `{"id":"B"}`, "README": "x"}), func(string, Record) error { n++; return nil })
	if err != nil || n != 2 {
		t.Errorf("EachRecord: %d records, %v", n, err)
	}
	if err := EachRecord(zipOf(t, map[string]string{"a.json": `{"id":`}), func(string, Record) error { return nil }); err == nil {
		t.Error("truncated record accepted")
	}
}

// FuzzEachRecord feeds arbitrary bytes as an all.zip: never a panic, and
// every record handed on has an ID.
func FuzzEachRecord(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("GO-2024-2918.json")
	w.Write([]byte(`{"id":"GO-2024-2918","modified":"2024-06-11T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"x"}}]}`))
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, b []byte) {
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		_ = EachRecord(zr, func(_ string, r Record) error {
			if r.ID == "" {
				t.Fatal("record without an ID handed on")
			}
			_ = r.Date()
			_ = r.Ecosystems()
			return nil
		})
	})
}
