package mappings

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed catalogues/*.yaml
var files embed.FS

// Set is every catalogue, indexed by entry ID.
type Set struct {
	cats []Catalogue
	byID map[string]*Entry
}

var (
	once    sync.Once
	loaded  *Set
	loadErr error
)

// Load parses the embedded catalogues once and returns them.
func Load() (*Set, error) {
	once.Do(func() { loaded, loadErr = parseFS() })
	return loaded, loadErr
}

// MustLoad is Load for callers that treat a broken embedded catalogue as a
// programming error (it is covered by the package's tests).
func MustLoad() *Set {
	s, err := Load()
	if err != nil {
		panic(err)
	}
	return s
}

func parseFS() (*Set, error) {
	names, err := files.ReadDir("catalogues")
	if err != nil {
		return nil, err
	}
	var cats []Catalogue
	for _, n := range names {
		b, err := files.ReadFile("catalogues/" + n.Name())
		if err != nil {
			return nil, err
		}
		c, err := parseCatalogue(b)
		if err != nil {
			return nil, fmt.Errorf("mappings/catalogues/%s: %w", n.Name(), err)
		}
		cats = append(cats, c)
	}
	return newSet(cats)
}

func parseCatalogue(b []byte) (Catalogue, error) {
	var c Catalogue
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return c, errors.New("empty document")
		}
		return c, err
	}
	return c, nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)+$`)

// newSet validates the catalogues and indexes them: unique lowercase path
// IDs under the catalogue's prefix, known bases, placeholders without
// content, and cross-references (related, group, domains, stride) that exist.
func newSet(cats []Catalogue) (*Set, error) {
	s := &Set{byID: map[string]*Entry{}}
	slices.SortFunc(cats, func(a, b Catalogue) int { return strings.Compare(a.ID, b.ID) })
	var errs []error
	bad := func(id, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{id}, a...)...))
	}
	for ci := range cats {
		c := &cats[ci]
		if c.ID == "" || c.Title == "" || c.Edition == "" || c.Source == "" || !strings.HasSuffix(c.Prefix, "/") {
			bad(c.ID, "catalogue needs id, prefix (ending in /), title, edition and source")
		}
		for ei := range c.Entries {
			e := &c.Entries[ei]
			if e.Basis == "" {
				e.Basis = c.Basis
			}
			e.Catalogue, e.Source, e.Edition = c.ID, c.Source, c.Edition
			switch {
			case !idPattern.MatchString(e.ID) || !strings.HasPrefix(e.ID, c.Prefix):
				bad(e.ID, "ID must be a lowercase path under %q", c.Prefix)
			case s.byID[e.ID] != nil:
				bad(e.ID, "defined twice")
			}
			if e.Basis != BasisCRA && e.Basis != BasisPractice {
				bad(e.ID, "basis %q: want cra or practice", e.Basis)
			}
			if e.IsKnown() && (strings.TrimSpace(e.Title) == "" || strings.TrimSpace(e.Text) == "") {
				bad(e.ID, "a known entry needs a title and a text")
			}
			if !e.IsKnown() && (e.Title != "" || e.Text != "" || e.Group != "" || len(e.Related) > 0 || len(e.Steps) > 0) {
				bad(e.ID, "an unknown entry must not carry invented content")
			}
			s.byID[e.ID] = e
		}
		s.cats = append(s.cats, *c)
	}
	// Point the index at the stored copies.
	for ci := range s.cats {
		for ei := range s.cats[ci].Entries {
			s.byID[s.cats[ci].Entries[ei].ID] = &s.cats[ci].Entries[ei]
		}
	}
	for _, c := range s.cats {
		for _, e := range c.Entries {
			for _, r := range e.Related {
				if s.byID[r] == nil {
					bad(e.ID, "related %q does not exist", r)
				}
			}
			if e.Group != "" && s.byID["enisa/group/"+e.Group] == nil {
				bad(e.ID, "group %q does not exist", e.Group)
			}
			for _, d := range e.Domains {
				if s.byID["enisa/domain/"+d] == nil {
					bad(e.ID, "trust domain %q does not exist", d)
				}
			}
			for _, l := range e.Stride {
				if s.byID["stride/"+l] == nil {
					bad(e.ID, "STRIDE category %q does not exist", l)
				}
			}
			for _, st := range append(slices.Clone(e.Steps), e.Step) {
				if st != 0 && s.byID[fmt.Sprintf("enisa/step/%d", st)] == nil {
					bad(e.ID, "step %d does not exist", st)
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}
