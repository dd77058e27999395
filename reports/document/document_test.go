package document_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

func build(t testing.TB, o dossiertest.Options) (*reports.Data, *document.Document) {
	t.Helper()
	d := dossiertest.Judge(t, o).Data()
	return d, document.Build(d)
}

// walk visits every section and block of a document.
func walk(ss []document.Section, fn func(s document.Section, b document.Block)) {
	for _, s := range ss {
		fn(s, nil)
		for _, b := range s.Blocks {
			fn(s, b)
		}
		walk(s.Subs, fn)
	}
}

func TestStructure(t *testing.T) {
	wantIDs := []string{"summary", "claims"}
	for i := 1; i <= 8; i++ {
		wantIDs = append(wantIDs, fmt.Sprintf("annex-vii-%d", i))
	}
	wantIDs = append(wantIDs, "waivers", "evidence", "about")
	cra := mappings.MustLoad()
	for _, tc := range []struct {
		name string
		o    dossiertest.Options
		gaps []string
	}{
		{"full", dossiertest.Options{}, []string{"Not in the evidence: the bundle carries no photographs or illustrations of the hardware."}},
		{"bare", dossiertest.Options{Bare: true}, []string{"No SBOM in the evidence.", "No vulnerability scan in the evidence.",
			"No verifier transcript in the evidence: the live repository was not checked for this dossier.", "No attack results in the evidence.",
			"No declarations (answers.yaml) in the evidence about production and monitoring.", "No provenance attestations in the evidence."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := build(t, tc.o)
			var ids []string
			for _, s := range doc.Sections {
				ids = append(ids, s.ID)
			}
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("top-level sections %v, want %v", ids, wantIDs)
			}
			for i, h := range document.AnnexVII() {
				want := fmt.Sprintf("Annex VII point %d: %s", i+1, cra.Title(fmt.Sprintf("cra/annex-vii/%d", i+1)))
				if got := doc.Sections[i+2].Title; got != want || h.Title != want {
					t.Errorf("section %d is titled %q (heading %q), want the catalogue's %q", i+2, got, h.Title, want)
				}
			}
			var gaps []string
			anchors := map[string]bool{}
			walk(doc.Sections, func(s document.Section, b document.Block) {
				if b == nil {
					if s.Title == "" {
						t.Error("a section without a title")
					}
					if len(s.Blocks) == 0 && len(s.Subs) == 0 {
						t.Errorf("section %q is empty: it must say what the evidence holds or a gap", s.Title)
					}
					if s.ID != "" {
						if anchors[s.ID] {
							t.Errorf("anchor %q used twice", s.ID)
						}
						anchors[s.ID] = true
					}
					return
				}
				switch x := b.(type) {
				case document.Gap:
					gaps = append(gaps, x.Text)
				case document.Table:
					for _, r := range x.Rows {
						if len(r.Cells) != len(x.Columns) {
							t.Errorf("section %q: a row of %d cells under %d columns", s.Title, len(r.Cells), len(x.Columns))
						}
						if r.ID != "" {
							anchors[r.ID] = true
						}
					}
				}
			})
			for _, g := range tc.gaps {
				if !slices.Contains(gaps, g) {
					t.Errorf("no gap %q; gaps: %q", g, gaps)
				}
			}
			// Every in-document link points to an anchor of the document.
			walk(doc.Sections, func(s document.Section, b document.Block) {
				for _, tx := range texts(b) {
					for _, sp := range tx {
						if sp.Kind == document.Link && strings.HasPrefix(sp.Href, "#") && !anchors[sp.Href[1:]] {
							t.Errorf("link to %q, which no section or row carries", sp.Href)
						}
					}
				}
			})
		})
	}
}

// texts lists the inline texts of a block.
func texts(b document.Block) []document.Text {
	switch x := b.(type) {
	case document.Paragraph:
		return []document.Text{x.Text}
	case document.List:
		return x.Items
	case document.KeyValue:
		var out []document.Text
		for _, p := range x.Rows {
			out = append(out, p.Value)
		}
		return out
	case document.Table:
		var out []document.Text
		for _, r := range x.Rows {
			for _, c := range r.Cells {
				out = append(out, c.Text)
				if c.More != nil {
					out = append(out, c.More.Items...)
				}
			}
		}
		return out
	case document.Columns:
		return append(texts(x.Left), texts(x.Right)...)
	}
	return nil
}

// The risk table (Annex VII point 3) lists point 1 and (a) to (m) of Annex I
// Part I point 2 under the CRA catalogue's titles.
func TestRiskTitlesFromMappings(t *testing.T) {
	d, _ := build(t, dossiertest.Options{})
	cra := mappings.MustLoad()
	if len(d.Risk) != 14 {
		t.Fatalf("%d risk rows, want 14", len(d.Risk))
	}
	for _, r := range d.Risk {
		if want := cra.Title(r.ID); r.Title != want || want == "" {
			t.Errorf("%s is titled %q, the catalogue says %q", r.ID, r.Title, want)
		}
	}
}

func TestShortHash(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"abc", "abc"}, {"0123456789abcdef", "0123456789abcdef"},
		{"0123456789abcdef0", "0123456789abcdef…"},
	} {
		if got := document.ShortHash(tc.in); got != tc.want {
			t.Errorf("ShortHash(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
