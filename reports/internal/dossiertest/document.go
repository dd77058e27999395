package dossiertest

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/dossierdoc"
)

// Build judges the minimal bundle with o and builds the dossier's document.
func Build(tb testing.TB, o Options) (*reports.Data, *document.Document) {
	tb.Helper()
	d := Judge(tb, o).Data()
	return d, dossierdoc.Build(d)
}

// Walk visits every section of a document (b nil) and each of its blocks.
func Walk(ss []document.Section, fn func(s document.Section, b document.Block)) {
	for _, s := range ss {
		fn(s, nil)
		for _, b := range s.Blocks {
			fn(s, b)
		}
		Walk(s.Subs, fn)
	}
}

// Squash collapses runs of white space to one space.
func Squash(s string) string { return strings.Join(strings.Fields(s), " ") }

var tags = regexp.MustCompile(`<[^>]*>`)

// VisibleHTML is the text of an HTML page as a reader sees it, squashed.
func VisibleHTML(page string) string {
	return Squash(html.UnescapeString(tags.ReplaceAllString(page, " ")))
}
