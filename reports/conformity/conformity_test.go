package conformity_test

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/conformity"
	"github.com/craudit/craudit/reports/document"
)

// blockText is a block's visible words, the key-value rows as "key: value".
func blockText(b document.Block) string {
	switch x := b.(type) {
	case document.Paragraph:
		return x.Text.Plain()
	case document.Gap:
		return x.Text
	case document.KeyValue:
		var rows []string
		for _, p := range x.Rows {
			rows = append(rows, p.Key+": "+p.Value.Plain())
		}
		return strings.Join(rows, "\n")
	}
	return ""
}

// Annex VII point 7 says what the evidence holds about the declaration:
// the copy, the published address, both, or that neither is there.
func TestBlocks(t *testing.T) {
	const url = "https://example.com/doc.pdf"
	withDecl := func(u string) *product.Product {
		p := &product.Product{DoCURL: u, Declaration: &product.ConformityDeclaration{Place: "Lyon"}}
		p.Manufacturer.Name = "Acme"
		return p
	}
	urlOnly := &product.Product{DoCURL: url}
	for _, tc := range []struct {
		name      string
		p         *product.Product
		want, not []string
	}{
		{"no product.yaml", nil, []string{"No link to the EU declaration of conformity in the evidence."}, []string{"Copy of"}},
		{"neither", &product.Product{}, []string{"No link to the EU declaration of conformity"}, []string{"Copy of"}},
		{"address only", urlOnly, []string{"is published at " + url}, []string{"Copy of", "No link"}},
		{"copy only", withDecl(""), []string{"Copy of the EU declaration", "8. Place of issue: Lyon", "8. Date of issue: " + minibundle.At.UTC().Format("2006-01-02"), "2. Address: MISSING"}, []string{"published", "No link"}},
		{"copy and address", withDecl(url), []string{"Copy of the EU declaration", "also publishes the declaration at " + url}, []string{"No link"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &reports.Data{Product: tc.p, Report: &checks.Report{ReferenceTime: minibundle.At}}
			var parts []string
			for _, b := range conformity.Blocks(d) {
				parts = append(parts, blockText(b))
			}
			all := strings.Join(parts, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("lacks %q:\n%s", w, all)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(all, n) {
					t.Errorf("has %q:\n%s", n, all)
				}
			}
		})
	}
}
