package charts

import (
	"fmt"
	"html"
	"strings"
)

// Kind of a shape.
type Kind int

const (
	Rect Kind = iota
	Text
	Line
)

// Anchor of a text shape.
type Anchor int

const (
	Start Anchor = iota
	Middle
	End
)

// Shape is one drawing primitive. Coordinates are in the chart's units with
// the origin top left; a text's Y is its baseline.
type Shape struct {
	Kind       Kind
	X, Y, W, H float64 // Rect; Line uses X,Y to X+W,Y+H
	Colour     string  // #rrggbb: fill of a rect, colour of text and lines
	Text       string
	Size       float64 // font size of text
	Anchor     Anchor
	Bold       bool
	// Title is a tooltip in SVG (not drawn).
	Title string
}

// Chart is a picture of Width x Height units.
type Chart struct {
	Label         string // accessible description
	Width, Height float64
	Shapes        []Shape
}

func (c *Chart) rect(x, y, w, h float64, colour, title string) {
	c.Shapes = append(c.Shapes, Shape{Kind: Rect, X: x, Y: y, W: w, H: h, Colour: colour, Title: title})
}

func (c *Chart) text(x, y, size float64, a Anchor, colour, s string) {
	c.Shapes = append(c.Shapes, Shape{Kind: Text, X: x, Y: y, Size: size, Anchor: a, Colour: colour, Text: s})
}

func (c *Chart) line(x1, y1, x2, y2 float64, colour string) {
	c.Shapes = append(c.Shapes, Shape{Kind: Line, X: x1, Y: y1, W: x2 - x1, H: y2 - y1, Colour: colour})
}

var anchors = map[Anchor]string{Start: "start", Middle: "middle", End: "end"}

// SVG writes the chart as a self-contained inline SVG element.
func (c Chart) SVG() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" width="100%%" role="img" aria-label="%s" font-family="sans-serif">`,
		num(c.Width), num(c.Height), html.EscapeString(c.Label))
	for _, s := range c.Shapes {
		switch s.Kind {
		case Rect:
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s">`, num(s.X), num(s.Y), num(s.W), num(s.H), s.Colour)
			if s.Title != "" {
				fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(s.Title))
			}
			b.WriteString(`</rect>`)
		case Line:
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`, num(s.X), num(s.Y), num(s.X+s.W), num(s.Y+s.H), s.Colour)
		case Text:
			weight := ""
			if s.Bold {
				weight = ` font-weight="bold"`
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s" text-anchor="%s" fill="%s"%s>%s</text>`,
				num(s.X), num(s.Y), num(s.Size), anchors[s.Anchor], s.Colour, weight, html.EscapeString(s.Text))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// num prints a coordinate with at most two decimals and no trailing zeros,
// so output is stable and short.
func num(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// RGB splits #rrggbb into its components (black when malformed).
func RGB(c string) (r, g, b int) {
	fmt.Sscanf(strings.TrimPrefix(c, "#"), "%02x%02x%02x", &r, &g, &b)
	return
}
