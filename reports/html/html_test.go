package html

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

func render(t testing.TB, d *reports.Data) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (Renderer{}).Render(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    dossiertest.Options
	}{{"full", dossiertest.Options{}}, {"bare", dossiertest.Options{Bare: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			d := dossiertest.Judge(t, tc.o).Data()
			got := render(t, d)
			golden := filepath.Join("testdata", tc.name+".html")
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
	d := dossiertest.Judge(t, dossiertest.Options{}).Data()
	page := string(render(t, d))
	for _, want := range append(sectionTitles(),
		"Assurance report", document.ClaimsTitle, "CVE-2023-42363", "not_affected", "vulnerable_code_not_in_execute_path",
		"B2026-03", "March 2031", `href="evidence/bundle/sbom.cdx.json"`, `href="evidence/live/attack-results.json"`,
		"127.0.0.1:PORT", "<svg", "Not in the evidence: the bundle carries no photographs", "declare/atomic-install",
		"A/B", "VULNERABLE", "2024/2847", "Evidence index") {
		if !strings.Contains(page, want) && !strings.Contains(page, htmlEscape(want)) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, bad := range []string{"41234", "39999", "duration", "/tmp/go-build", "http://", "https://cdn", "<script", "@import", "src=\"http"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html contains %q (a port, a duration, a temporary path or an external fetch)", bad)
		}
	}
	// Each evidence hash is printed once, in the evidence index, whose row
	// the references link to.
	for _, e := range d.EvidenceIndex() {
		if e.SHA256 != "" && strings.Count(page, e.SHA256) != 1 {
			t.Errorf("%s: SHA-256 printed %d times, want once", e.Path, strings.Count(page, e.SHA256))
		}
		if !strings.Contains(page, `id="`+document.RefAnchor(e.Ref)+`"`) {
			t.Errorf("no index row for %s", e.Ref)
		}
	}
}

func sectionTitles() []string {
	var out []string
	for _, s := range document.AnnexVII() {
		out = append(out, s.Title)
	}
	return out
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// Text and links from the evidence are untrusted: every text is escaped
// and a link with a scheme other than http(s) or mailto is made inert.
func TestHostileEvidence(t *testing.T) {
	for _, tc := range []struct {
		doc, want string
	}{
		{"javascript:alert(1)", `<a href="#ZgotmplZ">javascript:alert(1)</a>`},
		{" JavaScript:alert(1)", `<a href="#ZgotmplZ">`},
		{"data:text/html,<script>x</script>", `<a href="#ZgotmplZ">data:text/html,&lt;script&gt;x&lt;/script&gt;</a>`},
		{`https://example.com/doc?a=1&b="2"`, `<a href="https://example.com/doc?a=1&amp;b=%222%22">https://example.com/doc?a=1&amp;b=&#34;2&#34;</a>`},
		{"mailto:ce@example.com", `<a href="mailto:ce@example.com">`},
	} {
		d := dossiertest.Judge(t, dossiertest.Options{Bare: true}).Data()
		d.Product.DoCURL = tc.doc
		d.Report.Subject.ProductName = `<script>alert("x")</script> + 'q'`
		page := string(render(t, d))
		if !strings.Contains(page, tc.want) {
			t.Errorf("DoC URL %q: the page lacks %s", tc.doc, tc.want)
		}
		if strings.Contains(page, "<script") {
			t.Errorf("DoC URL %q: an unescaped <script> reached the page", tc.doc)
		}
		if !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#43; &#39;q&#39;") {
			t.Error("the product name is not escaped as html/template escapes it")
		}
	}
}
