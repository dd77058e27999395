package markdown

import (
	"io"
	"strings"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/dossierdoc"
)

// Renderer writes dossier.md.
type Renderer struct{}

func (Renderer) Name() string { return "md" }
func (Renderer) File() string { return "dossier.md" }

// Render lays the dossier's document out as Markdown.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	_, err := io.WriteString(w, Layout(dossierdoc.Build(d)))
	return err
}

// Layout writes a document as GitHub-flavoured Markdown. Charts are left
// out (their numbers are in the tables next to them) and nothing is folded
// or shortened: the file is meant for review and for diffing.
func Layout(doc *document.Document) string {
	var b strings.Builder
	b.WriteString("# " + cell(doc.Title) + "\n\n")
	var meta []string
	for _, t := range doc.Meta {
		meta = append(meta, inline(t))
	}
	b.WriteString(strings.Join(meta, "\n") + "\n\n")
	for _, s := range doc.Sections {
		section(&b, s, 2)
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func section(b *strings.Builder, s document.Section, level int) {
	b.WriteString(strings.Repeat("#", level) + " " + s.Title + "\n\n")
	for _, bl := range s.Blocks {
		block(b, bl)
	}
	for _, sub := range s.Subs {
		section(b, sub, level+1)
	}
}

func block(b *strings.Builder, bl document.Block) {
	switch x := bl.(type) {
	case document.Paragraph:
		b.WriteString(inline(x.Text) + "\n\n")
	case document.Gap:
		b.WriteString("_" + x.Text + "_\n\n")
	case document.List:
		for _, it := range x.Items {
			b.WriteString("- " + inline(it) + "\n")
		}
		b.WriteString("\n")
	case document.KeyValue:
		var rows [][]string
		for _, p := range x.Rows {
			rows = append(rows, []string{"**" + p.Key + "**", inline(p.Value)})
		}
		table(b, []string{"", ""}, rows)
	case document.Table:
		var header []string
		for _, c := range x.Columns {
			header = append(header, c.Title)
		}
		var rows [][]string
		for _, r := range x.Rows {
			var cs []string
			for _, c := range r.Cells {
				s := inline(c.Text)
				if c.More != nil {
					for _, it := range c.More.Items {
						s += "<br>" + inline(it)
					}
				}
				cs = append(cs, s)
			}
			rows = append(rows, cs)
		}
		table(b, header, rows)
	case document.Columns:
		block(b, x.Left)
		block(b, x.Right)
	case document.Dense:
		b.WriteString(inline(x.Text) + "\n\n")
	case document.Pre:
		// A fence longer than any run of backticks in the text, so the
		// quoted file cannot end the block.
		body := strings.Join(x.Lines, "\n")
		n, run := 3, 0
		for _, r := range body {
			if r == '`' {
				run++
				n = max(n, run+1)
			} else {
				run = 0
			}
		}
		fence := strings.Repeat("`", n)
		b.WriteString(fence + "text\n" + body + "\n" + fence + "\n\n")
	case document.Verdict:
		b.WriteString("**" + x.Label + " " + x.Value + "** " + x.Note + " " + x.Detail + "\n\n")
	case document.Chart:
		// Pictures have no Markdown form; the tables carry their numbers.
	}
}

// cell escapes text for a table cell: pipes and line breaks would end it.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func table(b *strings.Builder, header []string, rows [][]string) {
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|" + strings.Repeat(" --- |", len(header)) + "\n")
	for _, r := range rows {
		cs := make([]string, len(r))
		for i, c := range r {
			cs[i] = cell(c)
		}
		b.WriteString("| " + strings.Join(cs, " | ") + " |\n")
	}
	b.WriteString("\n")
}

// inline writes spans: code in backticks, breaks as <br>, in-document
// anchors as plain text (Markdown viewers differ on heading anchors).
func inline(t document.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case document.Code, document.Hash:
			b.WriteString("`" + s.Text + "`")
		case document.Strong:
			b.WriteString("**" + s.Text + "**")
		case document.Break:
			b.WriteString("<br>")
		case document.Link:
			text := s.Text
			if s.Code {
				text = "`" + text + "`"
			}
			switch {
			case strings.HasPrefix(s.Href, "#"):
				b.WriteString(text)
			case s.Href == s.Text:
				b.WriteString("<" + s.Href + ">")
			default:
				b.WriteString("[" + text + "](" + s.Href + ")")
			}
		case document.File:
			if s.Ref != "" {
				b.WriteString(s.Ref + " ")
			}
			b.WriteString("[`" + s.Text + "`](" + s.Href + ")")
			if s.Hash != "" {
				b.WriteString(" SHA-256 `" + s.Hash + "`")
			}
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}
