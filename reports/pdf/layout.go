package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/craudit/craudit/reports/charts"
)

const (
	margin  = 10.0
	pageW   = 210.0
	pageH   = 297.0
	width   = pageW - 2*margin
	bottom  = pageH - 13.0
	lineH   = 3.4
	bodyPt  = 8.0
	cellPt  = 6.2
	monoPt  = 5.8
	smallPt = 6.0
	cellLH  = 2.55
	// rowPad is a table row's height beyond its lines.
	rowPad = 0.6
)

// doc wraps fpdf with the few layout operations the dossier needs.
type doc struct {
	*fpdf.Fpdf
	title string
	toc   []tocEntry
	// anchors are the document's link targets ("#id"), each an fpdf link
	// set where the section or row is laid out.
	anchors map[string]int
	// widths are the glyph widths (fpdf's font units) of each style of run,
	// by rune, -1 until looked up: measuring text then needs no change of
	// font, which fpdf writes into the page each time (a 10,000-component
	// SBOM: a tenth of the PDF's time went to those changes).
	widths map[string][]int32
}

type tocEntry struct {
	title string
	level int
	link  int
	page  int // where the section starts; known when the contents are written, after the layout
}

func newDoc(title string) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &doc{Fpdf: f, title: clean(title), anchors: map[string]int{}}
	// fpdf edits the font bytes it is given while subsetting: hand it
	// copies, or the next document would start from changed bytes.
	f.AddUTF8FontFromBytes("go", "", bytes.Clone(goregular.TTF))
	f.AddUTF8FontFromBytes("go", "B", bytes.Clone(gobold.TTF))
	f.AddUTF8FontFromBytes("gomono", "", bytes.Clone(gomono.TTF))
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, pageH-bottom)
	return d
}

// footers writes every page's footer once the page count is known. (No
// fpdf alias for the count: fpdf replaces an alias in every page's buffer
// at output, twice, which is most of the output time of a long dossier.)
func (d *doc) footers() {
	last := d.PageNo()
	d.SetAutoPageBreak(false, 0)
	for n := 1; n <= last; n++ {
		d.SetPage(n)
		d.SetXY(margin, pageH-10)
		d.font("", smallPt)
		d.SetFontSize(smallPt) // font() skips an unchanged font, but this page's stream ended in its own
		d.SetTextColor(110, 110, 110)
		d.CellFormat(width/2, 4, d.title, "", 0, "L", false, 0, "")
		d.CellFormat(width/2, 4, fmt.Sprintf("Page %d of %d", n, last), "", 0, "R", false, 0, "")
		d.SetTextColor(0, 0, 0)
	}
	d.SetPage(last) // fpdf counts pages up to the current one at output
}

func (d *doc) font(style string, pt float64) {
	if style == "mono" {
		d.SetFont("gomono", "", pt)
		return
	}
	d.SetFont("go", style, pt)
}

// need starts a new page unless h millimetres fit on this one.
func (d *doc) need(h float64) {
	if d.GetY()+h > bottom {
		d.AddPage()
	}
}

// clean makes untrusted text printable with the embedded fonts: fpdf
// refuses characters beyond the Basic Multilingual Plane, and control
// characters would print as boxes; both become U+FFFD.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r > 0xFFFF || unicode.IsControl(r) || !utf8.ValidRune(r):
			return '\uFFFD'
		}
		return r
	}, s)
}

// anchor returns the link of an in-document target, or 0 when the
// document has no such target.
func (d *doc) anchor(href string) int {
	if !strings.HasPrefix(href, "#") {
		return 0
	}
	return d.anchors[href[1:]]
}

// mark sets the target of anchor id at the current position.
func (d *doc) mark(id string) {
	if l, ok := d.anchors[id]; ok && id != "" {
		d.SetLink(l, d.GetY(), d.PageNo())
	}
}

// measure is the width of a run in its font.
// It equals fpdf's GetStringWidth with the run's font selected, to the bit.
func (d *doc) measure(r run) float64 {
	tbl := d.widths[r.style]
	if tbl == nil {
		if d.widths == nil {
			d.widths = map[string][]int32{}
		}
		tbl = make([]int32, 0x10000)
		for i := range tbl {
			tbl[i] = -1
		}
		d.widths[r.style] = tbl
	}
	w := 0
	for _, c := range r.s {
		if c >= 0x10000 { // clean turns these into U+FFFD; measured as fpdf would, to be safe
			d.font(r.style, r.pt)
			w += d.GetStringSymbolWidth(string(c))
			continue
		}
		if tbl[c] < 0 {
			d.font(r.style, r.pt)
			tbl[c] = int32(d.GetStringSymbolWidth(string(c)))
		}
		w += int(tbl[c])
	}
	fontSize := r.pt / d.GetConversionRatio() // as fpdf's SetFont computes it
	return float64(w) * fontSize / 1000
}

// drawLine writes one wrapped line at baseline y, with its links.
func (d *doc) drawLine(ps []piece, x, y, lh float64) {
	for _, p := range ps {
		d.font(p.style, p.pt)
		switch {
		case p.grey:
			d.SetTextColor(100, 100, 100)
		case p.href != "":
			d.SetTextColor(20, 70, 160)
		}
		d.Text(x, y, p.s)
		d.SetTextColor(0, 0, 0)
		if p.href != "" {
			if l := d.anchor(p.href); l != 0 {
				d.Link(x, y-lh+0.8, p.w, lh, l)
			} else if !strings.HasPrefix(p.href, "#") {
				d.LinkString(x, y-lh+0.8, p.w, lh, p.href)
			}
		}
		x += p.w
	}
}

// heading writes a section heading, a bookmark and a table-of-contents entry.
func (d *doc) heading(level int, title, id string) {
	title = clean(title)
	sizes := map[int]float64{0: 13, 1: 10.5, 2: 9, 3: 8.5}
	pt := sizes[min(level, 3)]
	d.need(16)
	if level == 0 {
		d.Ln(2)
	} else {
		d.Ln(1)
	}
	link := d.AddLink()
	d.SetLink(link, d.GetY(), d.PageNo())
	d.mark(id)
	d.Bookmark(title, level, d.GetY())
	d.font("B", pt)
	d.MultiCell(width, pt*0.45, title, "", "L", false)
	if level == 0 {
		d.SetDrawColor(200, 200, 200)
		d.Line(margin, d.GetY()+0.6, margin+width, d.GetY()+0.6)
		d.SetDrawColor(0, 0, 0)
	}
	d.Ln(1.5)
	if level == 0 {
		// No fpdf alias: fpdf replaces each alias in every page's buffer at
		// output, which cost 1.6 s of a 10,000-component dossier's 3.3 s.
		d.toc = append(d.toc, tocEntry{title: title, level: level, link: link, page: d.PageNo()})
	}
	d.font("", bodyPt)
}

// flow writes wrapped runs across the text width.
func (d *doc) flow(runs []run, lh float64, colour [3]int) {
	for _, l := range wrap(runs, width, d.measure) {
		d.need(lh)
		y := d.GetY()
		d.SetTextColor(colour[0], colour[1], colour[2])
		d.drawLine(l, margin, y+lh-0.9, lh)
		d.SetXY(margin, y+lh)
	}
	d.SetTextColor(0, 0, 0)
	d.Ln(1.2)
}

// cell is one table cell; Colour (#rrggbb) marks a status or a label.
type cell struct {
	runs   []run
	Colour string
	Fill   bool
}

// trow is one table row: its cells, an optional full-width line under
// them and its anchor.
type trow struct {
	cells []cell
	below []run
	ids   []string
	// note is a line the layout adds to the row's last cell.
	note []run
}

// table writes rows under a header that is repeated on every page. A row
// taller than a page continues on the next: nothing is cut.
func (d *doc) table(header []string, widths []float64, rows []trow, num []bool) {
	scale := 0.0
	for _, w := range widths {
		scale += w
	}
	ws := make([]float64, len(widths))
	for i, w := range widths {
		ws[i] = w * width / scale
	}
	hh := cellLH + 1.2
	drawHeader := func() {
		if strings.Join(header, "") == "" {
			return // a key-value table has no header row
		}
		d.font("B", cellPt)
		d.SetFillColor(238, 238, 238)
		x, y := margin, d.GetY()
		for i, h := range header {
			d.SetXY(x, y)
			align := "L"
			if num != nil && num[i] {
				align = "R"
			}
			d.CellFormat(ws[i], hh, clean(h), "1", 0, align, true, 0, "")
			x += ws[i]
		}
		d.SetXY(margin, y+hh)
	}
	d.need(hh + 2*cellLH)
	drawHeader()
	for _, row := range rows {
		split := make([][][]piece, len(row.cells))
		n := 1
		for i, c := range row.cells {
			split[i] = wrap(c.runs, ws[i]-2*cellPad, d.measure)
			n = max(n, len(split[i]))
		}
		var below [][]piece
		if len(row.below) > 0 {
			below = wrap(row.below, width-2*cellPad, d.measure)
		}
		total := float64(n+len(below))*cellLH + 2*rowPad
		if d.GetY()+total > bottom && total < keepTogether {
			d.AddPage()
			drawHeader()
		}
		for _, id := range row.ids {
			d.mark(id)
		}
		d.rowCells(row.cells, split, ws, num, drawHeader)
		if below != nil {
			d.rowCells([]cell{{}}, [][][]piece{below}, []float64{width}, nil, drawHeader)
		}
	}
	d.Ln(2)
	d.font("", bodyPt)
}

const cellPad = 1.3

// keepTogether is the height (mm) of the tallest row moved whole to the
// next page; a taller row starts where it is and continues there.
const keepTogether = 30.0

// rowCells draws one row of wrapped cells, continuing on the next page
// when it does not fit.
func (d *doc) rowCells(cells []cell, split [][][]piece, ws []float64, num []bool, drawHeader func()) {
	n := 1
	for _, s := range split {
		n = max(n, len(s))
	}
	for from := 0; from < n; {
		room := int((bottom - d.GetY() - rowPad) / cellLH)
		if room < 1 || (room < n-from && room < 3) {
			d.AddPage()
			drawHeader()
			continue
		}
		to := min(n, from+room)
		h := float64(to-from)*cellLH + rowPad
		x, y := margin, d.GetY()
		for i, c := range cells {
			d.SetDrawColor(205, 205, 205)
			if c.Fill {
				r, g, b := charts.RGB(c.Colour)
				d.SetFillColor(r, g, b)
				d.Rect(x, y, ws[i], h, "FD")
			} else {
				d.Rect(x, y, ws[i], h, "D")
				if c.Colour != "" {
					r, g, b := charts.RGB(c.Colour)
					d.SetFillColor(r, g, b)
					d.Rect(x+0.3, y+0.3, 1.0, h-0.6, "F")
				}
			}
			for j := from; j < to && j < len(split[i]); j++ {
				lx := x + cellPad
				if num != nil && i < len(num) && num[i] {
					lx = x + ws[i] - cellPad - lineWidth(split[i][j])
				}
				d.drawLine(split[i][j], lx, y+cellLH*float64(j-from+1)-0.5, cellLH)
			}
			x += ws[i]
		}
		d.SetDrawColor(0, 0, 0)
		d.SetXY(margin, y+h)
		from = to
	}
}

func lineWidth(ps []piece) float64 {
	w := 0.0
	for _, p := range ps {
		w += p.w
	}
	return w
}

// chart draws a chart at a share of the text width.
func (d *doc) chart(c charts.Chart, share float64) {
	if c.Width == 0 {
		return
	}
	s := width * share / c.Width
	h := c.Height * s
	d.need(h + 3)
	x0, y0 := margin, d.GetY()
	for _, sh := range c.Shapes {
		r, g, b := charts.RGB(sh.Colour)
		switch sh.Kind {
		case charts.Rect:
			d.SetFillColor(r, g, b)
			d.Rect(x0+sh.X*s, y0+sh.Y*s, sh.W*s, sh.H*s, "F")
		case charts.Line:
			d.SetDrawColor(r, g, b)
			d.SetLineWidth(0.2)
			d.Line(x0+sh.X*s, y0+sh.Y*s, x0+(sh.X+sh.W)*s, y0+(sh.Y+sh.H)*s)
		case charts.Text:
			style := ""
			if sh.Bold {
				style = "B"
			}
			d.font(style, sh.Size*s*72/25.4)
			d.SetTextColor(r, g, b)
			x := x0 + sh.X*s
			switch sh.Anchor {
			case charts.Middle:
				x -= d.GetStringWidth(clean(sh.Text)) / 2
			case charts.End:
				x -= d.GetStringWidth(clean(sh.Text))
			}
			d.Text(x, y0+sh.Y*s, clean(sh.Text))
		}
	}
	d.SetTextColor(0, 0, 0)
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.SetXY(margin, y0+h+2)
	d.font("", bodyPt)
}

// writeTOC fills the contents reserved at page tocPage, from tocY down.
func (d *doc) writeTOC(title string, tocPage int, tocY float64) {
	last := d.PageNo()
	defer d.SetPage(last) // fpdf counts pages up to the current one at output
	d.SetPage(tocPage)
	d.SetXY(margin, tocY)
	d.font("B", 13)
	d.CellFormat(width, 6, clean(title), "", 1, "L", false, 0, "")
	for _, e := range d.toc {
		indent := 0.0
		d.font("B", cellPt+0.5)
		if e.level > 0 {
			indent = 5
			d.font("", cellPt)
		}
		d.SetX(margin + indent)
		d.SetTextColor(20, 70, 160)
		d.CellFormat(width-indent-12, 3.6, e.title, "", 0, "L", false, e.link, "")
		d.CellFormat(12, 3.6, fmt.Sprint(e.page), "", 1, "R", false, e.link, "")
		d.SetTextColor(0, 0, 0)
	}
}
