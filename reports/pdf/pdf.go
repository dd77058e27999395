package pdf

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
	"github.com/craudit/craudit/reports/document"
)

// Renderer writes dossier.pdf.
type Renderer struct{}

func (Renderer) Name() string { return "pdf" }
func (Renderer) File() string { return "dossier.pdf" }

// Render lays the dossier's document out and writes the PDF.
func (Renderer) Render(w io.Writer, data *reports.Data) error {
	r := data.Report
	b, err := Layout(document.Build(data), Info{Date: r.ReferenceTime, Author: r.Subject.Manufacturer, Tool: r.Tool.Name, Version: r.Tool.Version})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Info is a PDF's metadata: its date (creation and modification, for
// reproducible output), author and the producing tool.
type Info struct {
	Date                  time.Time
	Author, Tool, Version string
}

// Layout writes a document as a PDF. A document of more than one section
// gets a table of contents after its first section.
func Layout(doc *document.Document, info Info) ([]byte, error) {
	d := newDoc(doc.Title)
	at := info.Date.UTC()
	d.SetCreationDate(at)
	d.SetModificationDate(at)
	d.SetCatalogSort(true)
	d.SetTitle(d.title, true)
	d.SetAuthor(clean(info.Author), true)
	d.SetCreator(clean(info.Tool+" "+info.Version), true)
	d.SetProducer(clean(info.Tool), true)

	d.AddPage()
	d.front(doc)
	tocPage := 0
	for i, s := range doc.Sections {
		if i == 1 { // the contents follow the summary, filled in at the end
			d.AddPage()
			tocPage = d.PageNo()
			d.AddPage()
		}
		d.section(s, 0)
	}
	if tocPage > 0 {
		d.writeTOC(doc.Contents, tocPage)
	}
	if err := d.Error(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// front writes the title and the lines under it.
func (d *doc) front(doc *document.Document) {
	d.font("B", 17)
	d.MultiCell(width, 7.5, d.title, "", "L", false)
	d.font("", smallPt+0.5)
	d.SetTextColor(90, 90, 90)
	var meta []string
	for _, t := range doc.Meta {
		meta = append(meta, plain(t))
	}
	d.MultiCell(width, 3.8, clean(strings.Join(meta, " ")), "", "L", false)
	d.SetTextColor(0, 0, 0)
	d.Ln(2)
}

func (d *doc) section(s document.Section, level int) {
	if s.NewPage {
		d.AddPage()
	}
	d.heading(level, s.Title)
	for _, b := range s.Blocks {
		d.block(b)
	}
	for _, sub := range s.Subs {
		d.section(sub, level+1)
	}
}

var outcomeColour = map[string]string{"passed": "#2e7d32", "failed": "#c62828"}

func (d *doc) block(b document.Block) {
	switch x := b.(type) {
	case document.Paragraph:
		d.para(plain(x.Text))
	case document.Gap:
		d.gap(x.Text)
	case document.List:
		for _, it := range x.Items {
			if x.Alert {
				d.gap(plain(it))
			} else {
				d.para("• " + plain(it))
			}
		}
	case document.KeyValue:
		var pairs []string
		for _, p := range x.Rows {
			pairs = append(pairs, p.Key, plain(p.Value))
		}
		d.kv(pairs...)
	case document.Table:
		d.docTable(x)
	case document.Chart:
		d.chart(x.Chart)
	case document.Columns:
		d.block(x.Left)
		d.block(x.Right)
	case document.Verdict:
		r, g, b := charts.RGB(outcomeColour[x.Outcome])
		d.font("B", 12)
		d.SetTextColor(r, g, b)
		d.CellFormat(width, 6, clean(x.Label+" "+x.Value+" "+x.Note), "", 1, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
		d.para(x.Detail)
	}
}

// docTable lays a document table out: widths from the column weights, a
// status colour bar on cells that open with a status, folded lists and long
// tables cut at their paged limits.
func (d *doc) docTable(t document.Table) {
	var header []string
	var widths []float64
	for _, c := range t.Columns {
		header, widths = append(header, c.Title), append(widths, c.Weight)
	}
	rows := t.Rows
	if t.PagedMax > 0 && len(rows) > t.PagedMax {
		rows = rows[:t.PagedMax]
	}
	var out [][]cell
	for _, r := range rows {
		var cs []cell
		for i, c := range r.Cells {
			x := cell{T: plain(c.Text), Mono: i < len(t.Columns) && t.Columns[i].Mono}
			if len(c.Text) > 0 && c.Text[0].Kind == document.Status {
				x.Colour = charts.StatusColour[c.Text[0].Status]
			}
			if f := c.More; f != nil {
				for j, it := range f.Items {
					if f.PagedMax > 0 && j == f.PagedMax {
						x.T += "\n" + f.PagedMore
						break
					}
					x.T += "\n" + plain(it)
				}
			}
			cs = append(cs, x)
		}
		out = append(out, cs)
	}
	d.table(header, widths, out)
	if len(rows) < len(t.Rows) && t.PagedMore != "" {
		d.para(t.PagedMore)
	}
}

// plain writes spans as PDF text: line breaks as newlines, an evidence
// file as its link target with its hash (shortened when cited in passing)
// or the note on where its hash is pinned.
func plain(t document.Text) string {
	var b strings.Builder
	for _, s := range t {
		switch s.Kind {
		case document.Break:
			b.WriteString("\n")
		case document.File:
			b.WriteString(s.Href)
			switch {
			case s.Brief && s.Short != "":
				b.WriteString(" " + s.Short)
			case s.Brief:
			case s.Hash != "":
				b.WriteString("\n" + s.Label + " " + s.Hash)
			case s.Note != "":
				b.WriteString("\n" + s.Note)
			}
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}
