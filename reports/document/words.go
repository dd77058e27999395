package document

import (
	"fmt"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
)

// The few words and small helpers every section shares, each written once.

// NotIn is what a fact says when the evidence does not hold it.
const NotIn = "not in the evidence"

// Or is s, or alt when s is blank.
func Or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

// NonEmpty drops empty strings.
func NonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// YesNo says a declared yes or no, or that the evidence does not say.
func YesNo(b *bool) string {
	switch {
	case b == nil:
		return NotIn
	case *b:
		return "yes"
	}
	return "no"
}

// Counter prints an optional counter ("none" when unset).
func Counter(c *uint64) string {
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

// UpdateType is a manifest's update type and, when given, its severity.
func UpdateType(kind, severity string) string {
	if severity == "" {
		return kind
	}
	return kind + ", severity " + severity
}

// KV is a key-value list of the pairs.
func KV(pairs ...Pair) KeyValue { return KeyValue{Rows: pairs} }

// Fact is a labelled plain value.
func Fact(k, v string) Pair { return Pair{Key: k, Value: Words(v)} }

// NoSBOM is what the SBOM points say when the bundle holds no SBOM.
var NoSBOM = Gap{"No SBOM in the evidence."}

// Span constructors.

func PlainSpan(s string) Span          { return Span{Text: s} }
func CodeSpan(s string) Span           { return Span{Kind: Code, Text: s} }
func StrongSpan(s string) Span         { return Span{Kind: Strong, Text: s} }
func EmSpan(s string) Span             { return Span{Kind: Em, Text: s} }
func SmallSpan(s string) Span          { return Span{Kind: Small, Text: s} }
func BreakSpan() Span                  { return Span{Kind: Break} }
func StatusSpan(st checks.Status) Span { return Span{Kind: Status, Text: string(st), Status: st} }
func HashSpan(s string) Span           { return Span{Kind: Hash, Text: s} }
func LinkSpan(href, text string) Span  { return Span{Kind: Link, Href: href, Text: text} }
func CodeLinkSpan(href, text string) Span {
	return Span{Kind: Link, Href: href, Text: text, Code: true}
}

// TextOf makes a Text of spans.
func TextOf(spans ...Span) Text { return Text(spans) }

// Words is a Text of one plain span.
func Words(s string) Text { return Text{PlainSpan(s)} }

// Lines joins texts with line breaks.
func Lines(ts []Text) Text {
	var out Text
	for i, t := range ts {
		if i > 0 {
			out = append(out, BreakSpan())
		}
		out = append(out, t...)
	}
	return out
}

// Joined joins texts with a plain separator.
func Joined(ts []Text, sep string) Text {
	var out Text
	for i, t := range ts {
		if i > 0 {
			out = append(out, PlainSpan(sep))
		}
		out = append(out, t...)
	}
	return out
}

// OrText is t, or alt when t is empty.
func OrText(t Text, alt Span) Text {
	if len(t) == 0 {
		return Text{alt}
	}
	return t
}

// FileSpan cites an evidence file by its evidence-index reference and path;
// its hash is printed once, in the index.
func FileSpan(d *reports.Data, f reports.FileRef) Span {
	return Span{Kind: File, Text: f.Path, Href: d.Href(f), Ref: d.RefOf(f.Path)}
}

// files cites several files, one per line.
func files(d *reports.Data, fs []reports.FileRef) Text {
	var ts []Text
	for _, f := range fs {
		ts = append(ts, TextOf(FileSpan(d, f)))
	}
	return Lines(ts)
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
