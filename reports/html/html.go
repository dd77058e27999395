package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/reports"
)

//go:embed page.html.tmpl
var pageTmpl string

//go:embed style.css
var style string

// Renderer writes index.html.
type Renderer struct{}

func (Renderer) Name() string { return "html" }
func (Renderer) File() string { return "index.html" }

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"date":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"day":      func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
	"short":    func(s string) string { return shortHash(s) },
	"css":      func() template.CSS { return template.CSS(style) },
	"statuses": func() []checks.Status { return allStatuses },
	"join":     strings.Join,
	"stepbar":  stepBar,
	"link":     func(d *reports.Data, p string) string { return link(d, p) },
	"count":    count,
	"upper":    strings.ToUpper,
	"pathonly": func(it bundle.Item) bool { return bundle.PathOnly(it.Path, it.Role) },
}).Parse(pageTmpl))

var allStatuses = []checks.Status{checks.Pass, checks.Fail, checks.Missing, checks.Declared, checks.NotApplicable, checks.Waived, checks.Error}

// Render writes the page.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	return tmpl.Execute(w, struct {
		*reports.Data
		Steps []reports.StepGroup
	}{d, reports.ByStep(d.Report)})
}

func shortHash(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

func link(d *reports.Data, p string) string { return d.EvidencePrefix + p }

func count(s checks.Summary, st checks.Status) int {
	switch st {
	case checks.Pass:
		return s.Pass
	case checks.Fail:
		return s.Fail
	case checks.Missing:
		return s.Missing
	case checks.Declared:
		return s.Declared
	case checks.NotApplicable:
		return s.NotApplicable
	case checks.Waived:
		return s.Waived
	}
	return s.Error
}

var barColour = map[checks.Status]string{checks.Pass: "#2e7d32", checks.Fail: "#c62828", checks.Missing: "#ef6c00",
	checks.Declared: "#1565c0", checks.NotApplicable: "#9e9e9e", checks.Waived: "#6a1b9a", checks.Error: "#000000"}

// stepBar draws one horizontal stacked bar of a step's statuses as inline SVG.
func stepBar(s checks.Summary) template.HTML {
	total := 0
	for _, st := range allStatuses {
		total += count(s, st)
	}
	if total == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bar" viewBox="0 0 200 14" width="200" height="14" role="img" aria-label="status of the checks of this step">`)
	x := 0.0
	for _, st := range allStatuses {
		n := count(s, st)
		if n == 0 {
			continue
		}
		wd := 200 * float64(n) / float64(total)
		fmt.Fprintf(&b, `<rect x="%.2f" y="0" width="%.2f" height="14" fill="%s"><title>%d %s</title></rect>`, x, wd, barColour[st], n, st)
		x += wd
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
