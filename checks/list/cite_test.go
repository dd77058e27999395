package list

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/craudit/craudit/mappings"
)

// Citations of the Regulation in a check's own words: "Annex I Part I
// (2)(a)", "Annex II point 8(c)", "Annex VII point 2(a)", "Art. 13(8)",
// "Article 14(2)(a)".
var (
	annexRE   = regexp.MustCompile(`\bAnnex (VIII|VII|VI|V|IV|III|II|I)\b(?: Part (II|I)\b)?(?:,? (?:point )?\(?(\d+)\)?(?:\(([a-z])\))?)?`)
	articleRE = regexp.MustCompile(`\bArt(?:icle|\.) ?(\d+)(?:\((\d+)\))?(?:\(([a-z])\))?`)
)

// citedIDs turns the Regulation's points a text names into catalogue IDs.
func citedIDs(s string) []string {
	var ids []string
	for _, m := range annexRE.FindAllStringSubmatch(s, -1) {
		id := "cra/annex-" + strings.ToLower(m[1])
		if m[2] != "" {
			id += "/part-" + strings.ToLower(m[2])
		}
		for _, p := range m[3:] {
			if p != "" {
				id += "/" + p
			}
		}
		ids = append(ids, id)
	}
	for _, m := range articleRE.FindAllStringSubmatch(s, -1) {
		id := "cra/art-" + m[1]
		for _, p := range m[2:] {
			if p != "" {
				id += "/" + p
			}
		}
		ids = append(ids, id)
	}
	return ids
}

// related: one ID is the other or a point above or below it.
func related(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

func TestCitedIDs(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Annex I Part I (2)(a) asks", []string{"cra/annex-i/part-i/2/a"}},
		{"Annex I Part II (2), Annex II point 8(c) and Annex VII point 2(a)", []string{"cra/annex-i/part-ii/2", "cra/annex-ii/8/c", "cra/annex-vii/2/a"}},
		{"Art. 13(8) and Article 14(2)(a); Annex V", []string{"cra/annex-v", "cra/art-13/8", "cra/art-14/2/a"}},
		{"no citation here", nil},
	} {
		if got := citedIDs(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("citedIDs(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestCitedPointsAreMapped: where a check's title or description names a
// point of the Regulation, that point is in the CRA catalogue and the
// check maps to it (or to a point above or below it), so the words the
// dossier shows and the mapping it files never disagree.
func TestCitedPointsAreMapped(t *testing.T) {
	set, err := mappings.Load()
	if err != nil {
		t.Fatal(err)
	}
	// A citation of a whole annex or part ("Annex V") names the points
	// the catalogue lists under it.
	known := func(id string) bool {
		return set.Has(id) || slices.ContainsFunc(set.Entries("cra"), func(e mappings.Entry) bool { return related(e.ID, id) })
	}
	cited := 0
	for _, c := range All() {
		i := c.Info()
		for _, id := range citedIDs(i.Title + "\n" + i.Description) {
			cited++
			if !known(id) {
				t.Errorf("%s cites %s, which the CRA catalogue does not have", i.ID, id)
				continue
			}
			if !slices.ContainsFunc(i.MapsTo, func(m string) bool { return related(m, id) }) {
				t.Errorf("%s cites %s in its description but maps only to %v", i.ID, id, i.MapsTo)
			}
		}
	}
	if cited == 0 {
		t.Fatal("no check cites the Regulation: the citation pattern is broken")
	}
}
