package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

//go:embed page.html.tmpl
var pageTmpl string

//go:embed style.css
var style string

// Renderer writes index.html: one self-contained page (inline CSS and SVG,
// no external fetches) that also prints well.
type Renderer struct{}

func (Renderer) Name() string { return "html" }
func (Renderer) File() string { return "index.html" }

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"date":         func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"day":          func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
	"monthyear":    reports.MonthYear,
	"short":        shortHash,
	"css":          func() template.CSS { return template.CSS(style) },
	"statuses":     func() []checks.Status { return charts.Statuses },
	"join":         strings.Join,
	"link":         func(d *reports.Data, p string) string { return d.EvidencePrefix + p },
	"count":        func(s checks.Summary, st checks.Status) int { return s.Count(st) },
	"upper":        strings.ToUpper,
	"pathonly":     func(it bundle.Item) bool { return bundle.PathOnly(it.Path, it.Role) },
	"annexVII":     func() []reports.Section { return reports.AnnexVII },
	"sectionTitle": func(i int) string { return reports.AnnexVII[i].Title },
	"claimsTitle":  func() string { return reports.ClaimsTitle },
	"claimsBrief":  reports.ClaimsBrief,
	"fileArg":      func(d *reports.Data, f reports.FileRef) fileArg { return fileArg{F: f, Href: d.Href(f)} },
	"declFile":     declFile,
	"vexlabel":     charts.VEXLabel,
	"yesno":        yesNo,
	"vulnBrief":    vulnBrief,
	"stepsChart":   func(g []reports.StepGroup) template.HTML { return svg(charts.Steps(g)) },
	"vulnChart":    func(v []reports.Vuln) template.HTML { return svg(charts.Vulns(v)) },
	"supportChart": func(s *reports.Support) template.HTML { return svg(charts.Support(s)) },
}).Parse(pageTmpl))

type fileArg struct {
	F    reports.FileRef
	Href string
}

// Render writes the page.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	return tmpl.Execute(w, d)
}

// svg marks a chart's SVG as safe: every text in it is escaped by charts.
func svg(c charts.Chart) template.HTML { return template.HTML(c.SVG()) }

func shortHash(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return "not in the evidence"
	case *b:
		return "yes"
	}
	return "no"
}

// declFile links a declaration's evidence file, which the bundle holds under evidence/.
func declFile(d *reports.Data, p string) template.HTML {
	f, ok := d.File(bundle.EvidenceDir + path.Clean(p))
	if !ok {
		return template.HTML(fmt.Sprintf("<code>%s</code> <em>(not in the bundle)</em>", template.HTMLEscapeString(p)))
	}
	return template.HTML(fmt.Sprintf(`<a href="%s"><code>%s</code></a> <span class="mono">%s</span>`,
		template.HTMLEscapeString(d.Href(f)), template.HTMLEscapeString(f.Path), template.HTMLEscapeString(f.SHA256)))
}

// vulnBrief counts vulnerabilities by VEX state, in the charts' order.
func vulnBrief(rows []reports.Vuln) string {
	n := map[string]int{}
	for _, r := range rows {
		n[r.VEX]++
	}
	var parts []string
	for _, s := range charts.VEXStates {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], charts.VEXLabel(s)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}
