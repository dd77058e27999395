package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

func render(t testing.TB, d *reports.Data) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (Renderer{}).Render(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func data(t testing.TB, o dossiertest.Options) *reports.Data {
	d := dossiertest.Judge(t, o).Data()
	return d
}

func TestDeterministic(t *testing.T) {
	d := data(t, dossiertest.Options{})
	a, b := render(t, d), render(t, d)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings of the same data differ")
	}
	if !bytes.HasPrefix(a, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	// The creation date is the reference time, never the wall clock.
	if !bytes.Contains(a, []byte("D:20260601120000")) {
		t.Error("creation date is not the report's reference time")
	}
}

// TestText needs pdftotext (poppler-utils).
func TestText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	for _, tc := range []struct {
		name string
		o    dossiertest.Options
		want []string
	}{
		{"full", dossiertest.Options{}, []string{"CVE-2023-42363", "not_affected", "B2026-09", "127.0.0.1:PORT", "Page 3 of", "VULNERABLE"}},
		{"bare", dossiertest.Options{Bare: true}, []string{"No SBOM in the evidence.", "No vulnerability scan in the evidence.",
			"No verifier transcript in the evidence", "not in the evidence"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "dossier.pdf")
			if err := os.WriteFile(p, render(t, data(t, tc.o)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			want := append([]string{"Assurance report", "Exceptions", "Limitations", "Contents", document.ClaimsTitle}, tc.want...)
			for _, s := range document.AnnexVII() {
				want = append(want, s.Title)
			}
			for _, c := range dossiertest.Judge(t, tc.o).Data().Claims {
				want = append(want, strings.Fields(c.Claim)[0]+" "+strings.Fields(c.Claim)[1])
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("PDF text lacks %q", w)
				}
			}
			for _, bad := range []string{"41234", "{toc", "{nb}"} {
				if strings.Contains(text, bad) {
					t.Errorf("PDF text contains %q", bad)
				}
			}
		})
	}
}

// TestSample renders the full test data and checks the PDF's structure: a
// complete file, a page tree whose count matches its pages, bookmarks, and
// more pages than the same dossier with no evidence. With $CRAUDIT_PDF_OUT
// set it also writes the PDF there for a person to look at.
func TestSample(t *testing.T) {
	full := render(t, data(t, dossiertest.Options{}))
	if out := os.Getenv("CRAUDIT_PDF_OUT"); out != "" {
		if err := os.WriteFile(out, full, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages := func(pdf []byte) int {
		t.Helper()
		if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(pdf), []byte("%%EOF")) {
			t.Fatal("not a complete PDF file")
		}
		m := pageCount.FindSubmatch(pdf)
		if m == nil {
			t.Fatal("no page tree")
		}
		n, _ := strconv.Atoi(string(m[1]))
		if objs := bytes.Count(pdf, []byte("/Type /Page\n")); objs != n {
			t.Errorf("page tree counts %d pages, the file has %d page objects", n, objs)
		}
		return n
	}
	n, bare := pages(full), pages(render(t, data(t, dossiertest.Options{Bare: true})))
	if n < 3 {
		t.Errorf("%d pages: want at least the summary, the contents and the body", n)
	}
	if n < bare {
		t.Errorf("the full dossier has %d pages, fewer than the one without evidence (%d)", n, bare)
	}
	if !bytes.Contains(full, []byte("/Outlines")) {
		t.Error("no bookmarks (document outline)")
	}
}

var pageCount = regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`)

// Text from the evidence is untrusted: characters the fonts lack, control
// characters and endless words must render without error or a runaway layout.
func TestHostileText(t *testing.T) {
	d := data(t, dossiertest.Options{})
	d.Report.Subject.ProductName = "温度計 🌡 \x00\x1b[31m" + strings.Repeat("W", 5000)
	d.Report.Results[0].Message = strings.Repeat("a", 20000) + "\r\n\t" + strings.Repeat("界 ", 3000)
	d.Product.Product.IntendedPurpose = strings.Repeat("(", 10000)
	out := render(t, d)
	if len(out) > 5<<20 {
		t.Errorf("a few long strings made a %d-byte PDF", len(out))
	}
}
