package layouttext

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	rhtml "github.com/craudit/craudit/reports/html"
	"github.com/craudit/craudit/reports/internal/dossiertest"
	"github.com/craudit/craudit/reports/markdown"
	"github.com/craudit/craudit/reports/pdf"
)

// Visible renders d (whose document is doc) as HTML, Markdown and, when
// pdftotext is installed, PDF, and returns each layout's visible text with
// white space squashed, keyed by layout name.
func Visible(tb testing.TB, d *reports.Data, doc *document.Document) map[string]string {
	tb.Helper()
	var b bytes.Buffer
	if err := (rhtml.Renderer{}).Render(&b, d); err != nil {
		tb.Fatal(err)
	}
	outs := map[string]string{
		"html":     dossiertest.VisibleHTML(b.String()),
		"markdown": dossiertest.Squash(markdown.Layout(doc)),
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		tb.Log("pdftotext (poppler-utils) not installed: the PDF is not compared")
		return outs
	}
	b.Reset()
	if err := (pdf.Renderer{}).Render(&b, d); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(tb.TempDir(), "dossier.pdf")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("pdftotext", p, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	outs["pdf"] = dossiertest.Squash(string(out))
	return outs
}
