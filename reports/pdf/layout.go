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
	margin  = 15.0
	pageW   = 210.0
	pageH   = 297.0
	width   = pageW - 2*margin
	bottom  = pageH - 18.0
	lineH   = 4.2
	bodyPt  = 9.0
	smallPt = 7.5
)

// doc wraps fpdf with the few layout operations the dossier needs.
type doc struct {
	*fpdf.Fpdf
	title string
	toc   []tocEntry
}

type tocEntry struct {
	title string
	level int
	link  int
	alias string
}

func newDoc(title string) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	d := &doc{Fpdf: f, title: clean(title)}
	// fpdf edits the font bytes it is given while subsetting: hand it
	// copies, or the next document would start from changed bytes.
	f.AddUTF8FontFromBytes("go", "", bytes.Clone(goregular.TTF))
	f.AddUTF8FontFromBytes("go", "B", bytes.Clone(gobold.TTF))
	f.AddUTF8FontFromBytes("gomono", "", bytes.Clone(gomono.TTF))
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, pageH-bottom)
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(pageH - 12)
		d.font("", smallPt)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(width/2, 5, d.title, "", 0, "L", false, 0, "")
		f.CellFormat(width/2, 5, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	return d
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

// heading writes a section heading, a bookmark and a table-of-contents entry.
func (d *doc) heading(level int, title string) {
	title = clean(title)
	sizes := map[int]float64{0: 15, 1: 12, 2: 10}
	d.need(22)
	if level == 0 {
		d.Ln(3)
	} else {
		d.Ln(2)
	}
	link := d.AddLink()
	d.SetLink(link, d.GetY(), d.PageNo())
	d.Bookmark(title, level, d.GetY())
	d.font("B", sizes[level])
	d.MultiCell(width, sizes[level]*0.5, title, "", "L", false)
	if level == 0 {
		d.SetDrawColor(200, 200, 200)
		d.Line(margin, d.GetY()+1, margin+width, d.GetY()+1)
		d.SetDrawColor(0, 0, 0)
	}
	d.Ln(2)
	if level <= 1 {
		alias := fmt.Sprintf("{toc%03d}", len(d.toc))
		d.toc = append(d.toc, tocEntry{title: title, level: level, link: link, alias: alias})
		d.RegisterAlias(alias, fmt.Sprint(d.PageNo()))
	}
	d.font("", bodyPt)
}

// para writes wrapped body text.
func (d *doc) para(s string) {
	s = clean(s)
	d.font("", bodyPt)
	d.MultiCell(width, lineH, s, "", "L", false)
	d.Ln(1.5)
}

// gap writes a statement that the evidence holds nothing for a point.
func (d *doc) gap(s string) {
	s = clean(s)
	d.font("", bodyPt)
	d.SetTextColor(138, 75, 0)
	d.MultiCell(width, lineH, s, "", "L", false)
	d.SetTextColor(0, 0, 0)
	d.Ln(1.5)
}

// cell is one table cell; Colour (#rrggbb) marks a status.
type cell struct {
	T      string
	Colour string
	Mono   bool
}

// maxCellLines bounds one cell so that a row always fits on a page.
const maxCellLines = 40

func (d *doc) lines(c cell, w float64) []string {
	if c.Mono {
		d.font("mono", smallPt)
	} else {
		d.font("", smallPt+0.5)
	}
	var out []string
	for _, p := range strings.Split(clean(c.T), "\n") {
		if p == "" {
			out = append(out, "")
			continue
		}
		out = append(out, d.SplitText(p, w-2.4)...)
	}
	if len(out) > maxCellLines {
		out = append(out[:maxCellLines-1], "… (shortened; see index.html)")
	}
	return out
}

// table writes rows under a header that is repeated on every page.
func (d *doc) table(header []string, widths []float64, rows [][]cell) {
	scale := 0.0
	for _, w := range widths {
		scale += w
	}
	ws := make([]float64, len(widths))
	for i, w := range widths {
		ws[i] = w * width / scale
	}
	const lh = 3.6
	drawHeader := func() {
		if strings.Join(header, "") == "" {
			return // a key-value table has no header row
		}
		d.font("B", smallPt+0.5)
		d.SetFillColor(238, 238, 238)
		x := margin
		y := d.GetY()
		for i, h := range header {
			d.SetXY(x, y)
			d.CellFormat(ws[i], lh+1.6, h, "1", 0, "L", true, 0, "")
			x += ws[i]
		}
		d.SetXY(margin, y+lh+1.6)
	}
	d.need(3 * lh)
	drawHeader()
	for _, row := range rows {
		split := make([][]string, len(row))
		n := 1
		for i, c := range row {
			split[i] = d.lines(c, ws[i])
			if len(split[i]) > n {
				n = len(split[i])
			}
		}
		h := float64(n)*lh + 1.2
		if d.GetY()+h > bottom {
			d.AddPage()
			drawHeader()
		}
		x, y := margin, d.GetY()
		for i, c := range row {
			d.SetDrawColor(200, 200, 200)
			d.Rect(x, y, ws[i], h, "D")
			if c.Colour != "" {
				r, g, b := charts.RGB(c.Colour)
				d.SetFillColor(r, g, b)
				d.Rect(x+0.4, y+0.4, 1.4, h-0.8, "F")
			}
			if c.Mono {
				d.font("mono", smallPt)
			} else {
				d.font("", smallPt+0.5)
			}
			for j, l := range split[i] {
				d.Text(x+2.2, y+lh*float64(j+1)-0.4, l)
			}
			x += ws[i]
		}
		d.SetDrawColor(0, 0, 0)
		d.SetXY(margin, y+h)
	}
	d.Ln(3)
	d.font("", bodyPt)
}

// kv writes a two-column table of labels and values.
func (d *doc) kv(pairs ...string) {
	var rows [][]cell
	for i := 0; i+1 < len(pairs); i += 2 {
		rows = append(rows, []cell{{T: pairs[i], Colour: "#eeeeee"}, {T: pairs[i+1]}})
	}
	d.table([]string{"", ""}, []float64{1, 3}, rows)
}

// chart draws a chart at the full text width.
func (d *doc) chart(c charts.Chart) {
	if c.Width == 0 {
		return
	}
	s := width / c.Width
	h := c.Height * s
	d.need(h + 4)
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
	d.SetXY(margin, y0+h+3)
	d.font("", bodyPt)
}

// writeTOC fills the contents page reserved at page tocPage.
func (d *doc) writeTOC(title string, tocPage int) {
	last := d.PageNo()
	defer d.SetPage(last) // fpdf counts pages up to the current one at output
	d.SetPage(tocPage)
	d.SetXY(margin, margin)
	d.font("B", 15)
	d.CellFormat(width, 8, clean(title), "", 1, "L", false, 0, "")
	d.Ln(2)
	for _, e := range d.toc {
		indent := 0.0
		d.font("B", bodyPt)
		if e.level > 0 {
			indent = 6
			d.font("", bodyPt-0.5)
		}
		d.SetX(margin + indent)
		d.CellFormat(width-indent-12, 5, e.title, "", 0, "L", false, e.link, "")
		d.CellFormat(12, 5, e.alias, "", 1, "L", false, e.link, "")
	}
}
