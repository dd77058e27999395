package mappings

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestListing(t *testing.T) {
	s := mustSet(t)
	refs := []CheckRef{
		{ID: "declare/atomic-install", Title: "Atomic installation", Basis: BasisPractice, Step: 6, MapsTo: []string{"enisa/rec/atomic-update-behaviour", "etsi-en-304-621/req-updates-3"}},
		{ID: "product/support-period", Title: "Support period", Basis: BasisCRA, MapsTo: []string{"cra/art-13/8", "cra/annex-ii/7"}},
	}
	l, err := s.Listing("etsi-en-304-621", refs)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Catalogues) != 1 || l.Catalogues[0].Entries != 4 || l.Catalogues[0].Covered != 1 {
		t.Errorf("catalogues = %+v", l.Catalogues)
	}
	if len(l.Checks) != 1 || l.Checks[0].ID != "declare/atomic-install" {
		t.Errorf("checks = %+v, want only the one mapping into the catalogue", l.Checks)
	}
	b, err := l.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	e := raw.Entries[3]
	for _, k := range []string{"id", "title", "text", "source", "edition", "checks", "known", "basis"} {
		if _, ok := e[k]; !ok {
			t.Errorf("entry JSON lacks %q: %v", k, e)
		}
	}
	if e["id"] != "etsi-en-304-621/req-updates-3" || e["checks"].([]any)[0] != "declare/atomic-install" {
		t.Errorf("entry = %v", e)
	}
	var txt bytes.Buffer
	if err := l.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "etsi-en-304-621/req-updates-3  Atomic updates\n") || !strings.Contains(txt.String(), "checks: declare/atomic-install (practice)") {
		t.Errorf("text:\n%s", txt.String())
	}

	all, err := s.Listing("", refs)
	if err != nil {
		t.Fatal(err)
	}
	var all2 bytes.Buffer
	all.WriteText(&all2)
	if !strings.Contains(all2.String(), "product/support-period (CRA)") || !strings.Contains(all2.String(), "enisa/rec/unknown-13  (not known") {
		t.Errorf("full text lacks the CRA check or the unknown placeholders")
	}

	if l, err := s.Listing("enisa", refs); err != nil || len(l.Catalogues) != 1 || l.Catalogues[0].ID != "enisa-secure-updates" || len(l.Checks) != 1 {
		t.Errorf("prefix alias: %v %+v", err, l)
	}
	if _, err := s.Listing("iso-27001", nil); err == nil || !strings.Contains(err.Error(), "want one of") {
		t.Errorf("unknown catalogue: %v", err)
	}
	if _, err := s.Listing("", []CheckRef{{ID: "x/y", MapsTo: []string{"cra/annex-ii/99"}}}); err == nil || !strings.Contains(err.Error(), "cra/annex-ii/99") {
		t.Errorf("unknown mapped ID: %v", err)
	}
}

// TestListingNamesNewEntries: `craudit mappings` lists the Articles the
// tool relies on and the placeholder catalogues, said to be unknown.
func TestListingNamesNewEntries(t *testing.T) {
	s := mustSet(t)
	l, err := s.Listing("", nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := l.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{"cra/art-13/10", "cra/art-14/1", "cra/art-31/1", "pren-40000-1-3/unknown-01", "pren-40000-1-2/unknown-01", "en-18031-1/unknown-01", "not known"} {
		if !strings.Contains(text, want) {
			t.Errorf("the listing lacks %q", want)
		}
	}
}
