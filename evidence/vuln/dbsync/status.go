package dbsync

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
)

// Status is what `craudit db status` reports.
type Status struct {
	Dir           string    `json:"dir"`
	Source        string    `json:"source"`
	Layout        string    `json:"layout"`
	ReferenceTime time.Time `json:"reference_time"`
	Records       int       `json:"records"`
	Ecosystems    []EcoStat `json:"ecosystems"`
	// Needed is set when an SBOM was given: per ecosystem its components
	// need, whether the database can match them.
	Needed []Need `json:"needed,omitempty"`
	// NoEcosystem counts SBOM components no advisory ecosystem covers
	// (vuln/scan-present lists them; policy decides).
	NoEcosystem int `json:"components_without_ecosystem,omitempty"`
	// Problems are the reasons the database cannot serve the SBOM; empty
	// means it can.
	Problems []string `json:"problems"`
}

// EcoStat is one ecosystem's all.zip.
type EcoStat struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	Undated int    `json:"undated_records"`
	// Newest is the newest record date; AgeDays its age at the reference
	// time, absent when unknown (no dated record, or an undated one).
	Newest  *time.Time `json:"newest_record,omitempty"`
	AgeDays *int       `json:"age_days,omitempty"`
	SHA256  string     `json:"sha256"`
}

// Need states what an SBOM needs of one ecosystem.
type Need struct {
	Ecosystem  string `json:"ecosystem"`
	Components int    `json:"components"`
	// State is "ok", "missing", "empty" or "undated".
	State string `json:"state"`
}

// Need states.
const (
	NeedOK      = "ok"
	NeedMissing = "missing"
	NeedEmpty   = "empty"
	NeedUndated = "undated"
)

// ReadStatus reads the database in dir; doc (may be nil) is the SBOM whose
// needs are judged, at reference time at.
func ReadStatus(dir string, doc *sbom.Document, at time.Time) (*Status, error) {
	db, err := vuln.ReadDB(dir)
	if err != nil {
		return nil, err
	}
	st := &Status{Dir: dir, Source: db.Source, Layout: db.Layout, ReferenceTime: at.UTC(), Records: db.Records,
		Ecosystems: []EcoStat{}, Problems: []string{}}
	for _, e := range db.Ecosystems {
		es := EcoStat{Name: e.Name, Records: e.Records, Undated: e.Undated, SHA256: e.SHA256}
		if !e.Newest.IsZero() {
			n := e.Newest
			es.Newest = &n
		}
		if age, ok := e.Age(at); ok {
			d := int(age.Hours() / 24)
			es.AgeDays = &d
		}
		st.Ecosystems = append(st.Ecosystems, es)
	}
	if doc == nil {
		return st, nil
	}
	count := map[string]int{}
	for _, c := range vuln.Cover(doc, db) {
		if c.Ecosystem == "" {
			if c.Status == vuln.CoverageNotScanned {
				st.NoEcosystem++
			}
			continue
		}
		count[c.Ecosystem]++
	}
	for eco, n := range count {
		need := Need{Ecosystem: eco, Components: n, State: NeedOK}
		e, ok := db.Ecosystem(eco)
		switch {
		case !ok:
			need.State = NeedMissing
			st.Problems = append(st.Problems, fmt.Sprintf("%s: %d components need it; the database has no %s", eco, n, "osv-scalibr/"+eco+"/all.zip"))
		case e.Records == 0:
			need.State = NeedEmpty
			st.Problems = append(st.Problems, fmt.Sprintf("%s: %d components need it; its all.zip holds no records", eco, n))
		default:
			if _, dated := e.Age(at); !dated {
				need.State = NeedUndated
				st.Problems = append(st.Problems, fmt.Sprintf("%s: %d of %d records carry no usable date, so the database's age is unknown (vuln/db-fresh fails)", eco, e.Undated, e.Records))
			}
		}
		st.Needed = append(st.Needed, need)
	}
	slices.SortFunc(st.Needed, func(a, b Need) int { return strings.Compare(a.Ecosystem, b.Ecosystem) })
	slices.Sort(st.Problems)
	return st, nil
}

// Text renders the status for a terminal.
func (s *Status) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "OSV database %s (%s)\nsource: %s\n", s.Dir, s.Layout, strings.ReplaceAll(s.Source, "\n", "; "))
	fmt.Fprintf(&b, "%d records in %d ecosystems; ages at %s:\n", s.Records, len(s.Ecosystems), s.ReferenceTime.Format(time.RFC3339))
	for _, e := range s.Ecosystems {
		age := "age unknown"
		if e.AgeDays != nil {
			age = fmt.Sprintf("%d days old", *e.AgeDays)
		}
		newest := "no dated record"
		if e.Newest != nil {
			newest = "newest " + e.Newest.Format(time.RFC3339)
		}
		undated := ""
		if e.Undated > 0 {
			undated = fmt.Sprintf(", %d undated", e.Undated)
		}
		fmt.Fprintf(&b, "  %-12s %8d records%s, %s, %s\n", e.Name, e.Records, undated, newest, age)
	}
	if s.Needed != nil || s.NoEcosystem > 0 {
		b.WriteString("the SBOM needs:\n")
		for _, n := range s.Needed {
			fmt.Fprintf(&b, "  %-12s %6d components: %s\n", n.Ecosystem, n.Components, n.State)
		}
		if s.NoEcosystem > 0 {
			fmt.Fprintf(&b, "  %d components have no advisory ecosystem (vuln/scan-present lists them)\n", s.NoEcosystem)
		}
	}
	for _, p := range s.Problems {
		fmt.Fprintf(&b, "PROBLEM %s\n", p)
	}
	return b.String()
}
