package markdown

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func render(t testing.TB, d *reports.Data) string {
	t.Helper()
	var b bytes.Buffer
	if err := (Renderer{}).Render(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    dossiertest.Options
	}{{"full", dossiertest.Options{}}, {"bare", dossiertest.Options{Bare: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			got := []byte(render(t, dossiertest.Judge(t, tc.o).Data()))
			golden := filepath.Join("testdata", tc.name+".md")
			if *update {
				os.MkdirAll("testdata", 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file (run go test -update and review the diff)", golden)
			}
		})
	}
}

func TestContent(t *testing.T) {
	data := dossiertest.Judge(t, dossiertest.Options{}).Data()
	doc := render(t, data)
	for _, e := range data.EvidenceIndex() {
		if e.SHA256 != "" && strings.Count(doc, e.SHA256) != 1 {
			t.Errorf("%s: SHA-256 printed %d times, want once", e.Path, strings.Count(doc, e.SHA256))
		}
	}
	want := []string{"## Assurance report", "## " + document.ClaimsTitle, "CVE-2023-42363", "vulnerable_code_not_in_execute_path",
		"September 2031", "(evidence/bundle/sbom.cdx.json)", "(evidence/live/attack-results.json)", "127.0.0.1:PORT"}
	for _, s := range document.AnnexVII() {
		want = append(want, "## "+s.Title)
	}
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("dossier.md lacks %q", w)
		}
	}
	for _, bad := range []string{"41234", "/tmp/go-build", "duration"} {
		if strings.Contains(doc, bad) {
			t.Errorf("dossier.md contains %q", bad)
		}
	}
	// Every table row has as many cells as its header: no cell text broke the table.
	var cols int
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("table row with %d separators under a header with %d: %s", n, cols, line)
		}
	}
}
