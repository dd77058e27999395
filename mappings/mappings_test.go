package mappings

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func mustSet(t *testing.T) *Set {
	t.Helper()
	s, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestCataloguesHaveEditionAndSource(t *testing.T) {
	s := mustSet(t)
	want := []string{"bsi-tr-03183-2", "cra", "en-18031-1", "enisa-secure-updates", "etsi-en-304-621", "ntia", "pren-40000-1-2", "pren-40000-1-3", "stride"}
	var got []string
	for _, r := range s.Refs() {
		got = append(got, r.ID)
		if r.Edition == "" {
			t.Errorf("%s: no edition", r.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("catalogues = %v, want %v", got, want)
	}
	for _, c := range s.Catalogues() {
		for _, e := range c.Entries {
			if e.Source == "" || e.Edition == "" || e.Catalogue != c.ID {
				t.Errorf("%s: source/edition/catalogue not filled in", e.ID)
			}
			if s.CatalogueOf(e.ID) != c.ID {
				t.Errorf("%s: CatalogueOf = %q", e.ID, s.CatalogueOf(e.ID))
			}
		}
	}
	if e, _ := s.Lookup("bsi-tr-03183-2/component-name"); !strings.Contains(e.Edition, "2.1.0") {
		t.Errorf("BSI edition = %q, want 2.1.0", e.Edition)
	}
}

// craSubjects pins every CRA entry to its subject: the ID must exist and its
// title must contain the keyword. The set must also be exactly this one, so a
// renumbered or misplaced point fails here.
var craSubjects = map[string]string{
	"cra/annex-i/part-i/1":   "appropriate to the risks",
	"cra/annex-i/part-i/2":   "risk assessment",
	"cra/annex-i/part-i/2/a": "known exploitable",
	"cra/annex-i/part-i/2/b": "secure by default",
	"cra/annex-i/part-i/2/c": "security updates",
	"cra/annex-i/part-i/2/d": "unauthorised access",
	"cra/annex-i/part-i/2/e": "confidentiality",
	"cra/annex-i/part-i/2/f": "integrity",
	"cra/annex-i/part-i/2/g": "minimisation",
	"cra/annex-i/part-i/2/h": "availability",
	"cra/annex-i/part-i/2/i": "other devices",
	"cra/annex-i/part-i/2/j": "attack surfaces",
	"cra/annex-i/part-i/2/k": "impact of incidents",
	"cra/annex-i/part-i/2/l": "monitor",
	"cra/annex-i/part-i/2/m": "removal",
	"cra/annex-i/part-ii/1":  "sbom",
	"cra/annex-i/part-ii/2":  "separate from feature",
	"cra/annex-i/part-ii/3":  "testing",
	"cra/annex-i/part-ii/4":  "public disclosure",
	"cra/annex-i/part-ii/5":  "coordinated vulnerability disclosure",
	"cra/annex-i/part-ii/6":  "contact address",
	"cra/annex-i/part-ii/7":  "secure distribution",
	"cra/annex-i/part-ii/8":  "free of charge",
	"cra/annex-ii/1":         "manufacturer",
	"cra/annex-ii/2":         "single point of contact",
	"cra/annex-ii/3":         "unique identification",
	"cra/annex-ii/4":         "intended purpose",
	"cra/annex-ii/5":         "foreseeable",
	"cra/annex-ii/6":         "declaration of conformity",
	"cra/annex-ii/7":         "end date of the support period",
	"cra/annex-ii/8":         "instructions",
	"cra/annex-ii/8/a":       "commissioning",
	"cra/annex-ii/8/b":       "changes",
	"cra/annex-ii/8/c":       "install security updates",
	"cra/annex-ii/8/d":       "decommissioning",
	"cra/annex-ii/8/e":       "turn off automatic",
	"cra/annex-ii/8/f":       "integrators",
	"cra/annex-ii/9":         "sbom",
	"cra/annex-v/1":          "unique identification",
	"cra/annex-v/2":          "address of the manufacturer",
	"cra/annex-v/3":          "sole responsibility",
	"cra/annex-v/4":          "object of the declaration",
	"cra/annex-v/5":          "conformity",
	"cra/annex-v/6":          "standards",
	"cra/annex-v/7":          "notified body",
	"cra/annex-v/8":          "signed",
	"cra/annex-vi":           "simplified",
	"cra/annex-vii/1":        "general description",
	"cra/annex-vii/1/a":      "intended purpose",
	"cra/annex-vii/1/b":      "software versions",
	"cra/annex-vii/1/c":      "photographs",
	"cra/annex-vii/1/d":      "annex ii",
	"cra/annex-vii/2":        "vulnerability handling",
	"cra/annex-vii/2/a":      "system architecture",
	"cra/annex-vii/2/b":      "secure update",
	"cra/annex-vii/2/c":      "production and monitoring",
	"cra/annex-vii/3":        "risk assessment",
	"cra/annex-vii/4":        "support period",
	"cra/annex-vii/5":        "standards",
	"cra/annex-vii/6":        "test reports",
	"cra/annex-vii/7":        "declaration of conformity",
	"cra/annex-vii/8":        "sbom",
	"cra/art-13/2":           "risks",
	"cra/art-13/3":           "risk assessment",
	"cra/art-13/4":           "technical documentation",
	"cra/art-13/5":           "third-party components",
	"cra/art-13/6":           "components",
	"cra/art-13/8":           "five years",
	"cra/art-13/9":           "stay available",
	"cra/art-13/10":          "later versions",
	"cra/art-13/13":          "ten years",
	"cra/art-13/18":          "annex ii",
	"cra/art-13/19":          "end-of-support notification",
	"cra/art-14/1":           "actively exploited",
	"cra/art-14/2/a":         "24 hours",
	"cra/art-14/2/b":         "72 hours",
	"cra/art-14/2/c":         "14 days",
	"cra/art-14/3":           "severe incidents",
	"cra/art-14/4/a":         "24 hours",
	"cra/art-14/4/b":         "72 hours",
	"cra/art-14/4/c":         "one month",
	"cra/art-14/8":           "users",
	"cra/art-31/1":           "technical documentation",
	"cra/art-31/2":           "before placing on the market",
}

func TestCRANumberingAndSubjects(t *testing.T) {
	s := mustSet(t)
	for id, kw := range craSubjects {
		e, ok := s.Lookup(id)
		if !ok {
			t.Errorf("%s: missing", id)
			continue
		}
		if !strings.Contains(strings.ToLower(e.Title), kw) {
			t.Errorf("%s: title %q does not name its subject %q", id, e.Title, kw)
		}
		if e.Basis != BasisCRA {
			t.Errorf("%s: basis %q, want cra", id, e.Basis)
		}
	}
	for _, id := range ids(s.Entries("cra")) {
		if _, ok := craSubjects[id]; !ok {
			t.Errorf("%s: entry not pinned by this test", id)
		}
	}
	// The ranges the Regulation has, no more and no fewer.
	ranges := []struct {
		prefix string
		items  []string
	}{
		{"cra/annex-i/part-i/2/", strings.Split("a b c d e f g h i j k l m", " ")},
		{"cra/annex-i/part-ii/", strings.Split("1 2 3 4 5 6 7 8", " ")},
		{"cra/annex-ii/", strings.Split("1 2 3 4 5 6 7 8 9", " ")},
		{"cra/annex-ii/8/", strings.Split("a b c d e f", " ")},
		{"cra/annex-v/", strings.Split("1 2 3 4 5 6 7 8", " ")},
		{"cra/annex-vii/", strings.Split("1 2 3 4 5 6 7 8", " ")},
		{"cra/annex-vii/1/", strings.Split("a b c d", " ")},
		{"cra/annex-vii/2/", strings.Split("a b c", " ")},
	}
	for _, r := range ranges {
		var got []string
		for _, id := range ids(s.Entries("cra")) {
			if rest, ok := strings.CutPrefix(id, r.prefix); ok && !strings.Contains(rest, "/") {
				got = append(got, rest)
			}
		}
		if !slices.Equal(got, r.items) {
			t.Errorf("%s*: %v, want %v", r.prefix, got, r.items)
		}
	}
}

var knownRecs = map[string][]string{
	"preparation-and-publication":   {"secure-signing-practices", "key-protection-and-management", "provenance-and-traceability", "dependency-check", "update-structuring", "advisory-linkage", "safe-update-behaviour-testing"},
	"discovery-and-retrieval":       {"trusted-update-source", "strong-transport-security", "separation-of-trust-domains", "metadata-freshness-validation", "automated-retrieval-support"},
	"verification-and-installation": {"signature-verification", "applicability-validation", "integrity-enforcement", "version-control-and-anti-rollback", "authorised-installation-context", "atomic-update-behaviour"},
	"observability-and-recovery":    {"update-status-recording", "secure-logging", "integrity-failure-reporting", "recovery-and-rollback", "trust-anchor-and-key-recovery"},
}

func TestENISARecommendations(t *testing.T) {
	s := mustSet(t)
	recs := s.Recommendations()
	if len(recs) != 36 {
		t.Fatalf("%d recommendations, want the advisory's 36", len(recs))
	}
	var want []string
	for g, slugs := range knownRecs {
		for _, sl := range slugs {
			id := "enisa/rec/" + sl
			want = append(want, id)
			e, ok := s.Lookup(id)
			if !ok || !e.IsKnown() || e.Group != g || len(e.Steps) == 0 {
				t.Errorf("%s: %+v, want a known recommendation of group %s with steps", id, e, g)
			}
		}
	}
	slices.Sort(want)
	if got := KnownENISARecommendations(); !slices.Equal(got, want) {
		t.Errorf("known = %v\nwant %v", got, want)
	}
	unknown := 0
	for _, e := range recs {
		if !e.IsKnown() {
			unknown++
			if e.Title != "" || e.Text != "" || e.Group != "" {
				t.Errorf("%s: unknown entry carries content", e.ID)
			}
			if !strings.Contains(e.DisplayTitle(), "not known") {
				t.Errorf("%s: display title %q does not say it is unknown", e.ID, e.DisplayTitle())
			}
		}
	}
	if unknown != 13 {
		t.Errorf("%d unknown recommendations, want 13", unknown)
	}
}

func TestENISAStepsDomainsModels(t *testing.T) {
	s := mustSet(t)
	stride := map[int]string{1: "tse", 2: "tsd", 3: "std", 4: "tsd", 5: "st", 6: "etd", 7: "rtd"}
	for n, letters := range stride {
		e, ok := s.Lookup(fmt.Sprintf("enisa/step/%d", n))
		if !ok || e.Step != n {
			t.Fatalf("enisa/step/%d missing or misnumbered", n)
		}
		if got := strings.Join(e.Stride, ""); got != letters {
			t.Errorf("step %d STRIDE = %s, want %s", n, got, letters)
		}
	}
	count := map[string]int{}
	for _, e := range s.Entries("enisa-secure-updates") {
		count[e.Kind]++
	}
	want := map[string]int{"step": 7, "trust-domain": 3, "delivery-model": 4, "group": 4, "recommendation": 36, "actor": 5}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d entries of kind %s, want %d", count[k], k, n)
		}
	}
	if !s.Has("enisa/step/5") || s.Has("enisa/step/8") {
		t.Error("steps are 1-7")
	}
}

func TestSBOMAndETSICatalogues(t *testing.T) {
	s := mustSet(t)
	cases := map[string][]string{
		"bsi-tr-03183-2": {"spec-version", "sbom-creator", "sbom-timestamp", "sbom-uri", "component-creator", "component-name", "component-version",
			"component-filename", "component-dependencies", "component-licence", "component-hash-sha512", "component-executable", "component-archive",
			"component-structured", "component-source-uri", "component-uri-deployable", "component-identifiers", "component-original-licence",
			"component-effective-licence", "component-source-hash", "component-security-txt", "no-vulnerabilities"},
		"ntia":            {"supplier", "component-name", "version", "unique-identifiers", "dependency-relationship", "author", "timestamp"},
		"etsi-en-304-621": {"req-updates-0", "req-updates-1", "req-updates-2", "req-updates-3"},
		"stride":          {"s", "t", "r", "i", "d", "e"},
	}
	for cat, want := range cases {
		var got []string
		for _, id := range ids(s.Entries(cat)) {
			got = append(got, strings.TrimPrefix(id, cat+"/"))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", cat, got, want)
		}
	}
}

func TestLookupHelpers(t *testing.T) {
	s := mustSet(t)
	if got := s.Unknown("cra/annex-ii/7", "cra/annex-ii/10", "enisa/rec/nope", "cra/annex-ii/10"); !slices.Equal(got, []string{"cra/annex-ii/10", "enisa/rec/nope"}) {
		t.Errorf("Unknown = %v", got)
	}
	if b := s.Basis("enisa/rec/signature-verification", "cra/annex-i/part-ii/7"); b != BasisCRA {
		t.Errorf("Basis = %q, want cra", b)
	}
	if b := s.Basis("enisa/rec/signature-verification"); b != BasisPractice {
		t.Errorf("Basis = %q, want practice", b)
	}
	if s.Entries("nope") != nil {
		t.Error("Entries of an unknown catalogue should be nil")
	}
}

func TestValidationRejects(t *testing.T) {
	head := "id: x\nprefix: x/\ntitle: X\nedition: \"1\"\nsource: s\nbasis: practice\nentries:\n"
	cases := []struct {
		name, yaml, want string
	}{
		{"duplicate", "  - {id: x/a, title: A, text: a}\n  - {id: x/a, title: A, text: a}\n", "defined twice"},
		{"uppercase", "  - {id: x/A, title: A, text: a}\n", "lowercase path"},
		{"wrong prefix", "  - {id: y/a, title: A, text: a}\n", "lowercase path"},
		{"no text", "  - {id: x/a, title: A}\n", "title and a text"},
		{"invented unknown", "  - {id: x/a, title: A, known: false}\n", "invented"},
		{"dangling related", "  - {id: x/a, title: A, text: a, related: [x/b]}\n", "does not exist"},
		{"bad basis", "  - {id: x/a, title: A, text: a, basis: law}\n", "basis"},
		{"unknown field", "  - {id: x/a, title: A, text: a, colour: red}\n", "colour"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat, err := parseCatalogue([]byte(head + c.yaml))
			if err == nil {
				_, err = newSet([]Catalogue{cat})
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := parseFS(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAddingARecommendationIsDataOnly replaces one unknown placeholder with
// a real entry, as the final advisory will allow, and shows nothing but the
// YAML has to change.
func TestAddingARecommendationIsDataOnly(t *testing.T) {
	raw, err := files.ReadFile("catalogues/enisa-secure-updates.yaml")
	if err != nil {
		t.Fatal(err)
	}
	placeholder := "  - {id: enisa/rec/unknown-13, kind: recommendation, known: false}\n"
	real := "  - {id: enisa/rec/update-channel-monitoring, kind: recommendation, group: observability-and-recovery, steps: [7], title: Example, text: An example entry.}\n"
	if !strings.Contains(string(raw), placeholder) {
		t.Fatal("placeholder not found")
	}
	var cats []Catalogue
	for _, name := range []string{"cra", "stride", "etsi-en-304-621"} {
		b, _ := files.ReadFile("catalogues/" + name + ".yaml")
		c, err := parseCatalogue(b)
		if err != nil {
			t.Fatal(err)
		}
		cats = append(cats, c)
	}
	c, err := parseCatalogue([]byte(strings.Replace(string(raw), placeholder, real, 1)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSet(append(cats, c))
	if err != nil {
		t.Fatal(err)
	}
	known := 0
	for _, e := range s.Recommendations() {
		if e.IsKnown() {
			known++
		}
	}
	if known != 24 || len(s.Recommendations()) != 36 {
		t.Errorf("known %d of %d, want 24 of 36", known, len(s.Recommendations()))
	}
}

// The catalogues of standards craudit cannot read are placeholders: every
// entry unknown, nothing invented, the source named.
func TestPlaceholderCatalogues(t *testing.T) {
	s := mustSet(t)
	for _, id := range []string{"pren-40000-1-2", "pren-40000-1-3", "en-18031-1"} {
		c, ok := s.Catalogue(id)
		if !ok {
			t.Fatalf("%s: missing", id)
		}
		if !strings.Contains(c.Edition, "placeholder") || c.Source == "" || len(c.Entries) == 0 {
			t.Errorf("%s: edition %q, source %q, %d entries", id, c.Edition, c.Source, len(c.Entries))
		}
		for _, e := range c.Entries {
			if e.IsKnown() || e.Title != "" || e.Text != "" {
				t.Errorf("%s: a placeholder catalogue's entry carries content", e.ID)
			}
		}
	}
}
