package mappings

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ListingSchema identifies the JSON of `craudit mappings --format json`.
const ListingSchema = "https://craudit.dev/schema/mappings/v1"

// CheckRef is what a listing needs to know about a check (the caller
// converts from checks.Info: this package does not import checks).
type CheckRef struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Basis  string   `json:"basis"` // cra or practice
	Step   int      `json:"step,omitempty"`
	MapsTo []string `json:"maps_to"`
}

// Listing is the catalogue entries joined with the checks mapped to them.
type Listing struct {
	Schema     string          `json:"schema"`
	Catalogues []CatalogueInfo `json:"catalogues"`
	Entries    []ListedEntry   `json:"entries"`
	Checks     []CheckRef      `json:"checks"`
}

// CatalogueInfo is a catalogue without its entries, with counts.
type CatalogueInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Edition string `json:"edition"`
	Source  string `json:"source"`
	Entries int    `json:"entries"`
	Known   int    `json:"known"`
	Covered int    `json:"covered"` // entries at least one check maps to
}

// ListedEntry is an entry with its known flag and the checks mapped to it.
type ListedEntry struct {
	Entry
	Known  bool     `json:"known"`
	Checks []string `json:"checks"`
}

// Listing joins the entries of one catalogue (all when catalogue is empty)
// with the checks that map to them. Checks mapping to unknown IDs are an
// error: every mapped ID must exist.
func (s *Set) Listing(catalogue string, checks []CheckRef) (*Listing, error) {
	cats := s.cats
	if catalogue != "" {
		c, ok := s.Catalogue(catalogue)
		if !ok {
			var names []string
			for _, c := range s.cats {
				names = append(names, c.ID)
			}
			return nil, fmt.Errorf("unknown catalogue %q (want one of %s)", catalogue, strings.Join(names, ", "))
		}
		cats = []Catalogue{c}
		catalogue = c.ID
	}
	byEntry := map[string][]string{}
	l := &Listing{Schema: ListingSchema, Catalogues: []CatalogueInfo{}, Entries: []ListedEntry{}, Checks: []CheckRef{}}
	for _, c := range checks {
		if u := s.Unknown(c.MapsTo...); len(u) > 0 {
			return nil, fmt.Errorf("check %s maps to unknown catalogue entries %s", c.ID, strings.Join(u, ", "))
		}
		for _, id := range c.MapsTo {
			byEntry[id] = append(byEntry[id], c.ID)
		}
		if catalogue == "" || slices.ContainsFunc(c.MapsTo, func(id string) bool { return s.CatalogueOf(id) == catalogue }) {
			c.MapsTo = slices.Clone(c.MapsTo)
			if c.MapsTo == nil {
				c.MapsTo = []string{}
			}
			l.Checks = append(l.Checks, c)
		}
	}
	slices.SortFunc(l.Checks, func(a, b CheckRef) int { return strings.Compare(a.ID, b.ID) })
	for _, c := range cats {
		info := CatalogueInfo{ID: c.ID, Title: c.Title, Edition: c.Edition, Source: c.Source, Entries: len(c.Entries)}
		for _, e := range c.Entries {
			ids := slices.Compact(slices.Sorted(slices.Values(byEntry[e.ID])))
			if ids == nil {
				ids = []string{}
			}
			if e.IsKnown() {
				info.Known++
			}
			if len(ids) > 0 {
				info.Covered++
			}
			l.Entries = append(l.Entries, ListedEntry{Entry: e, Known: e.IsKnown(), Checks: ids})
		}
		l.Catalogues = append(l.Catalogues, info)
	}
	return l, nil
}

// JSON encodes the listing, indented, with a final newline.
func (l *Listing) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteText writes the listing for people: each catalogue with its edition
// and source, then each entry with its paraphrase and the checks mapped to it.
func (l *Listing) WriteText(w io.Writer) error {
	var b strings.Builder
	basis := map[string]string{}
	for _, c := range l.Checks {
		basis[c.ID] = c.Basis
	}
	for i, c := range l.Catalogues {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s: %s\n  edition: %s\n  source:  %s\n  %d entries, %d known, %d with a check\n\n", c.ID, c.Title, c.Edition, c.Source, c.Entries, c.Known, c.Covered)
		for _, e := range l.Entries {
			if e.Catalogue != c.ID {
				continue
			}
			fmt.Fprintf(&b, "  %s  %s\n", e.ID, e.DisplayTitle())
			if e.Text != "" {
				fmt.Fprintf(&b, "      %s\n", e.Text)
			}
			if len(e.Checks) > 0 {
				var cs []string
				for _, id := range e.Checks {
					tag := "practice"
					if basis[id] == BasisCRA {
						tag = "CRA"
					}
					cs = append(cs, id+" ("+tag+")")
				}
				fmt.Fprintf(&b, "      checks: %s\n", strings.Join(cs, ", "))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
