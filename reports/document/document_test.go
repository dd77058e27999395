package document_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/dossierdoc"
	"github.com/craudit/craudit/reports/internal/dossiertest"
	"github.com/craudit/craudit/reports/internal/layouttext"
)

func TestStructure(t *testing.T) {
	wantIDs := []string{"summary", "glance", "claims"}
	for i := 1; i <= 8; i++ {
		wantIDs = append(wantIDs, fmt.Sprintf("annex-vii-%d", i))
	}
	wantIDs = append(wantIDs, "waivers", "evidence")
	cra := mappings.MustLoad()
	for _, tc := range []struct {
		name string
		o    dossiertest.Options
		gaps []string
	}{
		{"full", dossiertest.Options{}, []string{"Not in the evidence: the bundle carries no photographs or illustrations of the hardware."}},
		{"bare", dossiertest.Options{Bare: true}, []string{"No SBOM in the evidence.", "No vulnerability scan in the evidence.",
			"No verifier transcript in the evidence: the live repository was not checked for this dossier.", "No attack results for the product's updater in the evidence.",
			"No declarations (answers.yaml) in the evidence about production and monitoring.", "No provenance attestations in the evidence.",
			"Missing: the bundle holds no architecture description (product.yaml names none in architecture_description), so the description of the system architecture this point asks for is not in the evidence."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, doc := dossiertest.Build(t, tc.o)
			var ids []string
			for _, s := range doc.Sections {
				ids = append(ids, s.ID)
			}
			if !slices.Equal(ids, wantIDs) {
				t.Errorf("top-level sections %v, want %v", ids, wantIDs)
			}
			for i, h := range document.AnnexVII() {
				want := fmt.Sprintf("Annex VII point %d: %s", i+1, cra.Title(fmt.Sprintf("cra/annex-vii/%d", i+1)))
				if got := doc.Sections[i+3].Title; got != want || h.Title != want {
					t.Errorf("section %d is titled %q (heading %q), want the catalogue's %q", i+3, got, h.Title, want)
				}
			}
			var gaps []string
			anchors := map[string]bool{}
			dossiertest.Walk(doc.Sections, func(s document.Section, b document.Block) {
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
			dossiertest.Walk(doc.Sections, func(s document.Section, b document.Block) {
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
	d, _ := dossiertest.Build(t, dossiertest.Options{})
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

// Every layout shows every sentence of the document: the words are written
// once, in the document, and no layout drops or rewrites them.
func TestLayoutsSayTheSame(t *testing.T) {
	d, doc := dossiertest.Build(t, dossiertest.Options{})
	outs := layouttext.Visible(t, d, doc)
	var sentences []string
	add := func(s string) {
		if s = dossiertest.Squash(s); len(s) >= 12 {
			sentences = append(sentences, s)
		}
	}
	dossiertest.Walk(doc.Sections, func(s document.Section, bl document.Block) {
		switch x := bl.(type) {
		case nil:
			add(s.Title)
		case document.Gap:
			add(x.Text)
		case document.Verdict:
			add(x.Detail)
		case document.Paragraph:
			for _, sp := range x.Text {
				if sp.Kind == document.Plain {
					add(sp.Text)
				}
			}
		}
	})
	if len(sentences) < 40 {
		t.Fatalf("only %d sentences found in the document", len(sentences))
	}
	for name, out := range outs {
		for _, s := range sentences {
			if !strings.Contains(out, s) {
				t.Errorf("%s lacks %q", name, s)
			}
		}
	}
}

// TestSelfTestApartFromProductEvidence: runs of craudit's own reference
// clients are shown in a section of their own, labelled, and never under the
// product's attack results or in the product's facts.
func TestSelfTestApartFromProductEvidence(t *testing.T) {
	d := dossiertest.Judge(t, dossiertest.Options{}).Data()
	product := d.Attacks[0]
	product.Client, product.Updater = "thermostat-updater.sh", "thermostat-updater.sh, SHA-256 ab12"
	self := *product
	self.Client, self.SelfTest, self.Updater = "craudit manifest-client", true, "craudit, SHA-256 cd34"
	for _, tc := range []struct {
		name        string
		attacks     []*reports.AttackResults
		productHas  string
		productGaps bool
	}{
		{"both", []*reports.AttackResults{product, &self}, "thermostat-updater.sh", false},
		{"self-test only", []*reports.AttackResults{&self}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d.Attacks = tc.attacks
			doc := dossierdoc.Build(d)
			sections := map[string]string{}
			var facts string
			dossiertest.Walk(doc.Sections, func(s document.Section, b document.Block) {
				if b == nil {
					return
				}
				var sb strings.Builder
				for _, x := range texts(b) {
					sb.WriteString(fmt.Sprint(x) + " ")
				}
				if g, ok := b.(document.Gap); ok {
					sb.WriteString(fmt.Sprint(g))
				}
				sections[s.Title] += sb.String()
				if s.ID == "glance" {
					facts += sb.String()
				}
			})
			prod, ok := sections["Attack scenarios: the product's updater"]
			if !ok {
				t.Fatalf("no product attack section; sections %v", keys(sections))
			}
			st := sections["Reference-client self-test (not product evidence)"]
			if strings.Contains(prod, "manifest-client") || strings.Contains(prod, "cd34") {
				t.Errorf("the self-test appears among the product's evidence: %s", prod)
			}
			if !strings.Contains(st, "craudit manifest-client") || !strings.Contains(st, "reference-client self-test") || strings.Contains(st, "thermostat-updater") {
				t.Errorf("self-test section: %s", st)
			}
			if tc.productHas != "" && !strings.Contains(prod, tc.productHas) {
				t.Errorf("product section lacks %s: %s", tc.productHas, prod)
			}
			if tc.productGaps && !strings.Contains(prod, "No attack results for the product's updater") {
				t.Errorf("product section of a self-test-only dossier: %s", prod)
			}
			if !strings.Contains(facts, "not product evidence") || (tc.productGaps && !strings.Contains(facts, "none for the product's updater")) {
				t.Errorf("facts: %s", facts)
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
