package pdf

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/dossierdoc"
)

// Renderer writes dossier.pdf.
type Renderer struct{}

func (Renderer) Name() string { return "pdf" }
func (Renderer) File() string { return "dossier.pdf" }

// Render lays the dossier's document out and writes the PDF.
func (Renderer) Render(w io.Writer, data *reports.Data) error {
	r := data.Report
	b, err := Layout(dossierdoc.Build(data), Info{Date: r.ReferenceTime, Author: r.Subject.Manufacturer, Tool: r.Tool.Name, Version: r.Tool.Version})
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
// gets a table of contents after its first section, on the same page when
// it fits there.
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
	d.collectAnchors(doc.Sections)

	d.AddPage()
	d.front(doc)
	tocPage, tocY := 0, 0.0
	for i, s := range doc.Sections {
		if i == 1 { // the contents follow the assurance report, filled in at the end
			h := 10 + 3.6*float64(tocEntries(doc.Sections))
			d.need(h)
			d.Ln(2)
			tocPage, tocY = d.PageNo(), d.GetY()
			d.SetY(tocY + h)
		}
		d.section(s, 0)
	}
	if tocPage > 0 {
		d.writeTOC(doc.Contents, tocPage, tocY)
	}
	d.footers()
	if err := d.Error(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tocEntries counts the top-level headings.
func tocEntries(ss []document.Section) int { return len(ss) }

// collectAnchors makes a link for every section and row the document
// names, so references to them become internal links.
func (d *doc) collectAnchors(ss []document.Section) {
	for _, s := range ss {
		if s.ID != "" {
			d.anchors[s.ID] = d.AddLink()
		}
		for _, b := range s.Blocks {
			if t, ok := b.(document.Table); ok {
				for _, r := range t.Rows {
					if r.ID != "" {
						d.anchors[r.ID] = d.AddLink()
					}
				}
			}
		}
		d.collectAnchors(s.Subs)
	}
}

// front writes the title and the lines under it.
func (d *doc) front(doc *document.Document) {
	d.font("B", 15)
	d.MultiCell(width, 6.5, d.title, "", "L", false)
	for _, t := range doc.Meta {
		d.flow(runs(t, "", smallPt+0.5), 3.2, [3]int{90, 90, 90})
	}
}

func (d *doc) section(s document.Section, level int) {
	if s.NewPage {
		d.AddPage()
	}
	d.heading(level, s.Title, s.ID)
	for _, b := range s.Blocks {
		d.block(b)
	}
	for _, sub := range s.Subs {
		d.section(sub, level+1)
	}
}

var outcomeColour = map[string]string{"passed": "#2e7d32", "failed": "#c62828"}

var (
	black = [3]int{0, 0, 0}
	amber = [3]int{138, 75, 0}
)

func (d *doc) block(b document.Block) {
	switch x := b.(type) {
	case document.Paragraph:
		d.flow(runs(x.Text, "", bodyPt), lineH, black)
	case document.Dense:
		d.flow(runs(x.Text, "", cellPt), cellLH, black)
	case document.Gap:
		d.flow([]run{{s: clean(x.Text), pt: bodyPt}}, lineH, amber)
	case document.List:
		for _, it := range x.Items {
			c := black
			if x.Alert {
				c = amber
			}
			d.flow(append([]run{{s: "• ", pt: bodyPt}}, runs(it, "", bodyPt)...), lineH, c)
		}
	case document.KeyValue:
		var rows []trow
		for _, p := range x.Rows {
			rows = append(rows, trow{cells: []cell{{runs: []run{{s: clean(p.Key), style: "B", pt: cellPt}}, Colour: "#f2f2f2", Fill: true}, {runs: runs(p.Value, "", cellPt)}}})
		}
		d.table([]string{"", ""}, []float64{1, 4}, rows, nil)
	case document.Table:
		d.docTable(x)
	case document.Chart:
		d.chart(x.Chart, 0.45)
	case document.Columns:
		// Side by side does not fit a page of tables: a chart beside facts
		// is left out here, as every chart's numbers are in a table too.
		if _, chart := x.Left.(document.Chart); !chart {
			d.block(x.Left)
		}
		d.block(x.Right)
	case document.Pre:
		var rs []run
		for _, l := range x.Lines {
			rs = append(rs, run{s: clean(l) + "\n", style: "mono", pt: monoPt})
		}
		d.flow(rs, cellLH, black)
	case document.Verdict:
		r, g, b := charts.RGB(outcomeColour[x.Outcome])
		d.flow([]run{{s: clean(x.Label + " " + x.Value + " " + x.Note), style: "B", pt: 11}}, 5, [3]int{r, g, b})
		d.flow([]run{{s: clean(x.Detail), pt: bodyPt}}, lineH, black)
	}
}

// docTable lays a document table out: widths from the column weights, a
// status colour bar on cells that open with a status; columns marked Below
// and folded lists on a full-width line under the row; routine rows left
// out, named after the table.
func (d *doc) docTable(t document.Table) {
	var header []string
	var widths []float64
	var num []bool
	for _, c := range t.Columns {
		if c.Below {
			continue
		}
		header, widths, num = append(header, c.Title), append(widths, c.Weight), append(num, c.Num)
	}
	var out []trow
	for _, r := range t.Rows {
		if r.Routine {
			continue
		}
		row := trow{ids: []string{r.ID}}
		for i, c := range r.Cells {
			style := ""
			if i < len(t.Columns) && t.Columns[i].Mono {
				style = "mono"
			}
			if i < len(t.Columns) && t.Columns[i].Below {
				if len(c.Text) > 0 {
					if len(row.below) > 0 {
						row.below = append(row.below, run{s: "\n", pt: smallPt})
					}
					row.below = append(row.below, run{s: clean(t.Columns[i].Title) + ": ", style: "B", pt: smallPt})
					row.below = append(row.below, runs(c.Text, style, smallPt)...)
				}
			} else {
				x := cell{runs: runs(c.Text, style, cellPt)}
				if len(c.Text) > 0 && c.Text[0].Kind == document.Status {
					x.Colour = charts.StatusColour[c.Text[0].Status]
				}
				row.cells = append(row.cells, x)
			}
			if f := c.More; f != nil {
				foldInto(&row, f)
			}
		}
		if len(row.note) > 0 && len(row.cells) > 0 {
			c := &row.cells[len(row.cells)-1]
			c.runs = append(append(c.runs, run{s: "\n", pt: smallPt}), row.note...)
		}
		out = append(out, row)
	}
	if t.TwoUp && len(out) > 1 {
		header, widths, num, out = twoUp(header, widths, num, out)
	}
	if len(out) > 0 {
		d.table(header, widths, out, num)
	}
	if len(t.PagedMore) > 0 {
		d.flow(runs(t.PagedMore, "", cellPt), cellLH, black)
	}
}

// twoUp sets a table's rows in two halves side by side: row i beside row
// i+half, read down the left half first.
func twoUp(header []string, widths []float64, num []bool, rows []trow) ([]string, []float64, []bool, []trow) {
	half := (len(rows) + 1) / 2
	var out []trow
	for i := 0; i < half; i++ {
		r := trow{cells: slices.Clone(rows[i].cells), below: rows[i].below, ids: rows[i].ids}
		if j := i + half; j < len(rows) {
			r.cells = append(r.cells, rows[j].cells...)
			r.ids = append(r.ids, rows[j].ids...)
			if len(rows[j].below) > 0 {
				r.below = append(append(r.below, run{s: "\n", pt: smallPt}), rows[j].below...)
			}
		} else {
			r.cells = append(r.cells, make([]cell, len(header))...)
		}
		out = append(out, r)
	}
	return slices.Concat(header, header), slices.Concat(widths, widths), slices.Concat(num, num), out
}

// foldInto lays out a folded list: the items it prints in full go on the
// row's full-width line below, then the note on the routine ones it leaves
// out; with no item left, the note goes in the row's last cell instead.
func foldInto(row *trow, f *document.Fold) {
	var items [][]run
	for i, it := range f.Items {
		if i < len(f.Routine) && f.Routine[i] {
			continue
		}
		items = append(items, runs(it, "", smallPt))
	}
	if len(items) == 0 && len(f.PagedMore) > 0 {
		row.note = runs(f.PagedMore, "", smallPt)
		return
	}
	below := row.below
	if len(below) > 0 {
		below = append(below, run{s: "\n", pt: smallPt})
	}
	below = append(below, run{s: clean(f.Summary) + ": ", style: "B", pt: smallPt})
	for k, it := range items {
		if k > 0 {
			below = append(below, run{s: " · ", pt: smallPt})
		}
		below = append(below, it...)
	}
	if len(f.PagedMore) > 0 {
		below = append(below, run{s: " · ", pt: smallPt})
		below = append(below, runs(f.PagedMore, "", smallPt)...)
	}
	row.below = below
}

// runs turns spans into runs: code, hashes and paths in the fixed-width
// font, an evidence file as its index reference (a link to the index row)
// and, unless cited in passing, its path.
func runs(t document.Text, style string, pt float64) []run {
	mono := func(s string) run { return run{s: clean(s), style: "mono", pt: pt - 0.4} }
	var out []run
	for _, s := range t {
		switch s.Kind {
		case document.Break:
			out = append(out, run{s: "\n", pt: pt})
		case document.Code, document.Hash:
			out = append(out, mono(s.Text))
		case document.Strong:
			out = append(out, run{s: clean(s.Text), style: "B", pt: pt})
		case document.Small:
			out = append(out, run{s: clean(s.Text), pt: pt - 0.7, grey: true})
		case document.Status:
			out = append(out, run{s: clean(s.Text), style: "B", pt: pt})
		case document.Link:
			r := run{s: clean(s.Text), style: style, pt: pt, href: s.Href}
			if s.Code {
				r = mono(s.Text)
				r.href = s.Href
			}
			out = append(out, r)
		case document.File:
			if s.Ref != "" {
				out = append(out, run{s: s.Ref, style: "B", pt: pt, href: "#" + document.RefAnchor(s.Ref)})
				if !s.Brief {
					out = append(out, run{s: " ", pt: pt}, mono(s.Text))
				} else {
					out = append(out, run{s: " ", pt: pt})
				}
				continue
			}
			r := mono(s.Text)
			r.href = s.Href
			out = append(out, r)
			if s.Hash != "" {
				out = append(out, run{s: " SHA-256 ", pt: pt}, mono(s.Hash))
			}
		default:
			out = append(out, run{s: clean(s.Text), style: style, pt: pt})
			if style == "mono" {
				out[len(out)-1].pt = pt - 0.4
			}
		}
	}
	return out
}

// plain is a text's words, for the tests.
func plain(t document.Text) string {
	var b strings.Builder
	for _, r := range runs(t, "", cellPt) {
		b.WriteString(r.s)
	}
	return b.String()
}
