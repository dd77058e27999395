package document

import (
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
)

// The few words and small helpers every section shares, each written once.

// notIn is what a fact says when the evidence does not hold it.
const notIn = "not in the evidence"

func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// nonEmpty drops empty strings.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// yesNo says a declared yes or no, or that the evidence does not say.
func yesNo(b *bool) string {
	switch {
	case b == nil:
		return notIn
	case *b:
		return "yes"
	}
	return "no"
}

// counter prints an optional counter ("none" when unset).
func counter(c *uint64) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprint(*c)
}

// others prints the counts a step heading adds to pass/fail/declared/missing
// when they are not zero, e.g. ", 1 waived".
func others(s checks.Summary) string {
	out := ""
	for _, c := range []struct {
		n    int
		name string
	}{{s.Waived, "waived"}, {s.NotApplicable, "not applicable"}, {s.Error, "error"}} {
		if c.n > 0 {
			out += fmt.Sprintf(", %d %s", c.n, c.name)
		}
	}
	return out
}

// updateType is a manifest's update type and, when given, its severity.
func updateType(kind, severity string) string {
	if severity == "" {
		return kind
	}
	return kind + ", severity " + severity
}

// Span constructors.

func plain(s string) Span             { return Span{Text: s} }
func code(s string) Span              { return Span{Kind: Code, Text: s} }
func strong(s string) Span            { return Span{Kind: Strong, Text: s} }
func em(s string) Span                { return Span{Kind: Em, Text: s} }
func small(s string) Span             { return Span{Kind: Small, Text: s} }
func br() Span                        { return Span{Kind: Break} }
func status(st checks.Status) Span    { return Span{Kind: Status, Text: string(st), Status: st} }
func hash(s string) Span              { return Span{Kind: Hash, Text: s} }
func link(href, text string) Span     { return Span{Kind: Link, Href: href, Text: text} }
func codeLink(href, text string) Span { return Span{Kind: Link, Href: href, Text: text, Code: true} }

// text makes a Text of spans.
func text(spans ...Span) Text { return Text(spans) }

// words is a Text of one plain span.
func words(s string) Text { return Text{plain(s)} }

// lines joins texts with line breaks.
func lines(ts []Text) Text {
	var out Text
	for i, t := range ts {
		if i > 0 {
			out = append(out, br())
		}
		out = append(out, t...)
	}
	return out
}

// joined joins texts with a plain separator.
func joined(ts []Text, sep string) Text {
	var out Text
	for i, t := range ts {
		if i > 0 {
			out = append(out, plain(sep))
		}
		out = append(out, t...)
	}
	return out
}

// orText is t, or alt when t is empty.
func orText(t Text, alt Span) Text {
	if len(t) == 0 {
		return Text{alt}
	}
	return t
}

// file cites an evidence file by its evidence-index reference and path;
// its hash is printed once, in the index.
func file(d *reports.Data, f reports.FileRef) Span {
	return Span{Kind: File, Text: f.Path, Href: d.Href(f), Ref: d.RefOf(f.Path)}
}

// files cites several files, one per line.
func files(d *reports.Data, fs []reports.FileRef) Text {
	var ts []Text
	for _, f := range fs {
		ts = append(ts, text(file(d, f)))
	}
	return lines(ts)
}

// ref cites a check's evidence in passing: by its index reference, or, for
// a file outside the index, by path and hash.
func ref(d *reports.Data, e checks.EvidenceRef) Span {
	s := Span{Kind: File, Text: e.Path, Href: d.EvidencePrefix + e.Path, Ref: d.RefOf(e.Path), Brief: true}
	if s.Ref == "" {
		s.Hash = e.SHA256
	}
	return s
}

// Plain returns the text without styling, breaks as newlines: for tests
// and for layouts that print a span run as one string.
func (t Text) Plain() string {
	var b strings.Builder
	for _, s := range t {
		if s.Kind == Break {
			b.WriteString("\n")
			continue
		}
		b.WriteString(s.Text)
	}
	return b.String()
}
