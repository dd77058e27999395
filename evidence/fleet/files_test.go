package fleet

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestReportFiles: a folder gives its *.report and *.json files, sorted, and
// a missing argument is an error.
func TestReportFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.report", "a.report", "sub/c.json", "notes.txt"} {
		p := filepath.Join(dir, n)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	got, err := ReportFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.report"), filepath.Join(dir, "b.report"), filepath.Join(dir, "sub/c.json")}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%v", got)
	}
	if _, err := ReportFiles([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("missing file accepted")
	}
}
