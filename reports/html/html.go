package html

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/dossierdoc"
)

//go:embed style.css
var style string

// Renderer writes index.html: one self-contained page (inline CSS and SVG,
// no external fetches) that also prints well.
type Renderer struct{}

func (Renderer) Name() string { return "html" }
func (Renderer) File() string { return "index.html" }

// Render lays the dossier's document out as the page.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	_, err := io.WriteString(w, Layout(dossierdoc.Build(d)))
	return err
}

// Layout writes a document as one HTML page. The summary (the first
// section) is followed by the table of contents; every top-level section
// is listed there.
func Layout(doc *document.Document) string {
	p := &page{}
	p.s("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	p.s("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	p.f("<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n", esc(doc.Title), style)
	p.f("<header>\n<h1>%s</h1>\n", esc(doc.Title))
	for _, m := range doc.Meta {
		p.f("<p class=\"meta\">%s</p>\n", inline(m))
	}
	p.s("</header>\n")
	for i, s := range doc.Sections {
		if i == 0 {
			p.s("\n<section class=\"summary\">\n")
			p.section(s, 2)
			p.s("</section>\n\n")
			p.toc(doc)
			continue
		}
		p.s("\n")
		p.section(s, 2)
	}
	p.s("</body>\n</html>\n")
	return p.String()
}

type page struct{ strings.Builder }

func (p *page) s(s string)                { p.WriteString(s) }
func (p *page) f(format string, a ...any) { fmt.Fprintf(p, format, a...) }

func (p *page) toc(doc *document.Document) {
	p.f("<nav class=\"toc\"><h2 id=\"contents\">%s</h2><ol>\n", esc(doc.Contents))
	for _, s := range doc.Sections {
		p.f("<li><a href=\"#%s\">%s</a></li>\n", esc(s.ID), esc(s.Title))
	}
	p.s("</ol></nav>\n")
}

func (p *page) section(s document.Section, level int) {
	id := ""
	if s.ID != "" {
		id = fmt.Sprintf(" id=\"%s\"", esc(s.ID))
	}
	p.f("<h%d%s>%s</h%d>\n", level, id, esc(s.Title), level)
	for _, b := range s.Blocks {
		p.block(b)
	}
	for _, sub := range s.Subs {
		p.section(sub, min(level+1, 6))
	}
}

func class(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(" class=\"%s\"", esc(name))
}

func (p *page) block(b document.Block) {
	switch x := b.(type) {
	case document.Paragraph:
		p.f("<p>%s</p>\n", inline(x.Text))
	case document.Gap:
		p.f("<p class=\"gap\">%s</p>\n", esc(x.Text))
	case document.List:
		cl := ""
		if x.Alert {
			cl = "alert"
		}
		p.f("<ul%s>", class(cl))
		for _, it := range x.Items {
			p.f("<li>%s</li>", inline(it))
		}
		p.s("</ul>\n")
	case document.KeyValue:
		p.f("<table%s>\n", class(x.Name))
		for _, r := range x.Rows {
			p.f("<tr><th>%s</th><td>%s</td></tr>\n", esc(r.Key), inline(r.Value))
		}
		p.s("</table>\n")
	case document.Table:
		p.table(x)
	case document.Chart:
		// The chart's SVG escapes every text it holds (reports/charts).
		p.s(x.Chart.SVG() + "\n")
	case document.Columns:
		p.s("<div class=\"cols\">\n<div>")
		p.block(x.Left)
		p.s("</div>\n")
		p.block(x.Right)
		p.s("</div>\n")
	case document.Dense:
		p.f("<p class=\"dense\">%s</p>\n", inline(x.Text))
	case document.Pre:
		p.f("<pre class=\"quote\">%s</pre>\n", esc(strings.Join(x.Lines, "\n")))
	case document.Verdict:
		p.f("<p class=\"outcome\">%s <strong class=\"outcome-%s\">%s</strong>\n%s\n%s</p>\n", esc(x.Label), esc(x.Outcome), esc(x.Value), esc(x.Note), esc(x.Detail))
	}
}

func (p *page) table(t document.Table) {
	if t.Fold != "" {
		p.f("<details><summary>%s</summary>\n", esc(t.Fold))
	}
	p.f("<table%s>\n<tr>", class(t.Name))
	for _, c := range t.Columns {
		p.f("<th>%s</th>", esc(c.Title))
	}
	p.s("</tr>\n")
	for _, r := range t.Rows {
		if r.ID != "" {
			p.f("<tr id=\"%s\">", esc(r.ID))
		} else {
			p.s("<tr>")
		}
		for i, c := range r.Cells {
			cl := ""
			if i < len(t.Columns) && t.Columns[i].Num {
				cl = "num"
			}
			p.f("<td%s>%s", class(cl), inline(c.Text))
			if f := c.More; f != nil {
				p.f("\n<details><summary>%s</summary><ul>", esc(f.Summary))
				for _, it := range f.Items {
					p.f("<li>%s</li>", inline(it))
				}
				p.s("</ul></details>")
			}
			p.s("</td>")
		}
		p.s("</tr>\n")
	}
	p.s("</table>")
	if t.Fold != "" {
		p.s("</details>")
	}
	p.s("\n")
}

// inline writes spans as HTML.
func inline(t document.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case document.Code:
			b.WriteString("<code>" + esc(s.Text) + "</code>")
		case document.Strong:
			b.WriteString("<strong>" + esc(s.Text) + "</strong>")
		case document.Em:
			b.WriteString("<em>" + esc(s.Text) + "</em>")
		case document.Small:
			b.WriteString("<small>" + esc(s.Text) + "</small>")
		case document.Break:
			b.WriteString("<br>")
		case document.Status:
			fmt.Fprintf(&b, "<span class=\"st %s\">%s</span>", esc(string(s.Status)), esc(s.Text))
		case document.Hash:
			b.WriteString("<span class=\"mono\">" + esc(s.Text) + "</span>")
		case document.Link:
			text := esc(s.Text)
			if s.Code {
				text = "<code>" + text + "</code>"
			}
			fmt.Fprintf(&b, "<a href=\"%s\">%s</a>", href(s.Href), text)
		case document.File:
			if s.Ref != "" {
				fmt.Fprintf(&b, "<a class=\"ref\" href=\"#%s\">%s</a> ", esc(document.RefAnchor(s.Ref)), esc(s.Ref))
			}
			fmt.Fprintf(&b, "<a href=\"%s\"><code>%s</code></a>", href(s.Href), esc(s.Text))
			if s.Hash != "" {
				fmt.Fprintf(&b, " <span class=\"mono\">SHA-256 %s</span>", esc(s.Hash))
			}
		default:
			b.WriteString(esc(s.Text))
		}
	}
	return b.String()
}

// esc escapes text and attribute values as html/template does.
var esc = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;").Replace

// href makes a link target safe: in-document anchors, relative paths and
// http(s) or mailto URLs pass (bytes a URL may not hold are %-encoded);
// any other scheme (javascript:, data: ...) becomes an inert "#ZgotmplZ",
// as html/template does.
func href(u string) string {
	if i := strings.IndexAny(u, ":/?#"); i > 0 && u[i] == ':' {
		switch strings.ToLower(u[:i]) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c > 0x20 && c < 0x7f && !strings.ContainsRune(`"'<>\^`+"`{|}", rune(c)) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return esc(b.String())
}
