package mappings

import (
	"fmt"
	"slices"
	"strings"
)

// Lookup returns the entry with the given ID.
func (s *Set) Lookup(id string) (Entry, bool) {
	e, ok := s.byID[id]
	if !ok {
		return Entry{}, false
	}
	return *e, true
}

// Has reports whether id names an entry.
func (s *Set) Has(id string) bool { return s.byID[id] != nil }

// Catalogues returns every catalogue, sorted by ID, entries in file order.
func (s *Set) Catalogues() []Catalogue {
	out := slices.Clone(s.cats)
	for i := range out {
		out[i].Entries = slices.Clone(out[i].Entries)
	}
	return out
}

// Catalogue returns one catalogue by its ID or by its entry prefix without
// the slash ("enisa" finds enisa-secure-updates).
func (s *Set) Catalogue(id string) (Catalogue, bool) {
	for _, c := range s.cats {
		if c.ID == id || strings.TrimSuffix(c.Prefix, "/") == id {
			c.Entries = slices.Clone(c.Entries)
			return c, true
		}
	}
	return Catalogue{}, false
}

// Entries returns the entries of one catalogue in file order (nil when the
// catalogue does not exist).
func (s *Set) Entries(catalogueID string) []Entry {
	c, ok := s.Catalogue(catalogueID)
	if !ok {
		return nil
	}
	return c.Entries
}

// Refs names every catalogue and its edition, sorted by ID (results.json's
// catalogues list; convert to checks.CatalogueRef at the caller).
func (s *Set) Refs() []Ref {
	out := make([]Ref, 0, len(s.cats))
	for _, c := range s.cats {
		out = append(out, Ref{ID: c.ID, Edition: c.Edition})
	}
	return out
}

// Unknown returns the IDs among ids that name no entry, sorted and unique.
func (s *Set) Unknown(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if s.byID[id] == nil && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Recommendations returns the ENISA recommendation entries, known and
// unknown, in catalogue order.
func (s *Set) Recommendations() []Entry {
	var out []Entry
	for _, e := range s.Entries("enisa-secure-updates") {
		if e.Kind == "recommendation" {
			out = append(out, e)
		}
	}
	return out
}

// KnownENISARecommendations lists the IDs of the ENISA recommendations whose
// content is known (enisa/rec/<slug>), sorted. Every one must be covered by a
// check.
func KnownENISARecommendations() []string {
	var out []string
	for _, e := range MustLoad().Recommendations() {
		if e.IsKnown() {
			out = append(out, e.ID)
		}
	}
	slices.Sort(out)
	return out
}

// Lookup is MustLoad().Lookup, for callers that only need one entry.
func Lookup(id string) (Entry, bool) { return MustLoad().Lookup(id) }

// Basis returns the basis of the strongest of ids: "cra" when any of them is
// a CRA entry, otherwise "practice" (empty when none exists).
func (s *Set) Basis(ids ...string) string {
	basis := ""
	for _, id := range ids {
		if e, ok := s.byID[id]; ok {
			if e.Basis == BasisCRA {
				return BasisCRA
			}
			basis = e.Basis
		}
	}
	return basis
}

// CatalogueOf returns the ID of the catalogue an entry ID belongs to, by prefix.
func (s *Set) CatalogueOf(id string) string {
	for _, c := range s.cats {
		if strings.HasPrefix(id, c.Prefix) {
			return c.ID
		}
	}
	return ""
}

// Describe returns an entry's title and text, shaped for renderers that take
// a lookup function (reports/sarif, reports/junit). Unknown placeholders
// describe themselves as unknown.
func (s *Set) Describe(id string) (title, text string, ok bool) {
	e, ok := s.byID[id]
	if !ok {
		return "", "", false
	}
	return e.DisplayTitle(), e.Text, true
}

// Title returns the display title of the entry id ("" when id names no
// entry): the one wording every report uses for a requirement or a step.
func (s *Set) Title(id string) string {
	if e, ok := s.byID[id]; ok {
		return e.DisplayTitle()
	}
	return ""
}

// StepTitle returns the title of ENISA lifecycle step n (enisa/step/n),
// "" for a number that is not a step.
func (s *Set) StepTitle(n int) string { return s.Title(fmt.Sprintf("enisa/step/%d", n)) }

// Children returns the entries one level below id (id + "/" + one more
// segment), in catalogue order: Children("cra/annex-vii") lists the points
// of Annex VII, Children("cra/annex-i/part-i/2") the properties (a) to (m).
func (s *Set) Children(id string) []Entry {
	var out []Entry
	for _, c := range s.cats {
		for _, e := range c.Entries {
			rest, ok := strings.CutPrefix(e.ID, id+"/")
			if ok && rest != "" && !strings.Contains(rest, "/") {
				out = append(out, e)
			}
		}
	}
	return out
}
