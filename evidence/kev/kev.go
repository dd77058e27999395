package kev

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// MaxSize bounds a catalogue file (the full CISA catalogue is about 1.5 MB).
const MaxSize = 64 << 20

// Catalogue is a decoded known-exploited catalogue.
type Catalogue struct {
	Title          string `json:"title"`
	CatalogVersion string `json:"catalogVersion"`
	// Released is when this edition of the catalogue was published.
	Released time.Time `json:"-"`
	Count    int       `json:"count"`
	Entries  []Entry   `json:"vulnerabilities"`

	byID map[string]int
}

// Entry is one exploited vulnerability.
type Entry struct {
	CVE              string `json:"cveID"`
	VendorProject    string `json:"vendorProject"`
	Product          string `json:"product"`
	Name             string `json:"vulnerabilityName"`
	DateAdded        string `json:"dateAdded"`
	ShortDescription string `json:"shortDescription"`
	RequiredAction   string `json:"requiredAction"`
	DueDate          string `json:"dueDate"`
	KnownRansomware  string `json:"knownRansomwareCampaignUse"`
	Notes            string `json:"notes"`
}

// FormatError says why a file is not a usable catalogue.
type FormatError struct{ Reason string }

func (e *FormatError) Error() string { return "known-exploited catalogue: " + e.Reason }

var cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// Parse decodes and checks a catalogue.
func Parse(b []byte) (*Catalogue, error) {
	if len(b) > MaxSize {
		return nil, &FormatError{fmt.Sprintf("%d bytes, over the %d-byte bound", len(b), MaxSize)}
	}
	var raw struct {
		Catalogue
		DateReleased string `json:"dateReleased"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return nil, &FormatError{"not JSON of the KEV format: " + err.Error()}
	}
	if dec.More() {
		return nil, &FormatError{"trailing data after the catalogue"}
	}
	c := raw.Catalogue
	if strings.TrimSpace(raw.DateReleased) == "" {
		return nil, &FormatError{"no dateReleased: the catalogue's age cannot be judged"}
	}
	t, err := time.Parse(time.RFC3339, raw.DateReleased)
	if err != nil {
		if t, err = time.Parse("2006-01-02", raw.DateReleased); err != nil {
			return nil, &FormatError{fmt.Sprintf("dateReleased %q: want RFC 3339", raw.DateReleased)}
		}
	}
	c.Released = t.UTC()
	if raw.Entries == nil {
		return nil, &FormatError{"no vulnerabilities list"}
	}
	if c.Count != 0 && c.Count != len(c.Entries) {
		return nil, &FormatError{fmt.Sprintf("count says %d, the list has %d", c.Count, len(c.Entries))}
	}
	c.byID = make(map[string]int, len(c.Entries))
	for i, e := range c.Entries {
		id := strings.ToUpper(strings.TrimSpace(e.CVE))
		if !cvePattern.MatchString(id) {
			return nil, &FormatError{fmt.Sprintf("vulnerabilities[%d]: cveID %q is not a CVE ID", i, e.CVE)}
		}
		if _, dup := c.byID[id]; dup {
			return nil, &FormatError{fmt.Sprintf("vulnerabilities[%d]: %s listed twice", i, id)}
		}
		c.Entries[i].CVE = id
		c.byID[id] = i
	}
	return &c, nil
}

// Lookup returns the entry for a CVE ID (any case).
func (c *Catalogue) Lookup(id string) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	i, ok := c.byID[strings.ToUpper(strings.TrimSpace(id))]
	if !ok {
		return Entry{}, false
	}
	return c.Entries[i], true
}

// Match returns the first of ids (a vulnerability's ID and its aliases) the
// catalogue lists.
func (c *Catalogue) Match(ids ...string) (Entry, bool) {
	for _, id := range ids {
		if e, ok := c.Lookup(id); ok {
			return e, true
		}
	}
	return Entry{}, false
}

// Describe names the catalogue edition in one line.
func (c *Catalogue) Describe() string {
	name := strings.TrimSpace(c.Title)
	if name == "" {
		name = "known-exploited catalogue"
	}
	s := name
	if c.CatalogVersion != "" {
		s += " version " + c.CatalogVersion
	}
	return fmt.Sprintf("%s, released %s, %d entries", s, c.Released.Format("2006-01-02"), len(c.Entries))
}

// CVEs lists the catalogue's CVE IDs, sorted.
func (c *Catalogue) CVEs() []string {
	out := make([]string, 0, len(c.Entries))
	for _, e := range c.Entries {
		out = append(out, e.CVE)
	}
	sort.Strings(out)
	return out
}
