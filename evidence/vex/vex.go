package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vex/csafvex"
	"github.com/craudit/craudit/evidence/vuln"
)

// MaxDocument bounds one VEX document.
const MaxDocument = 16 << 20

// Document is one parsed VEX document (OpenVEX, or CSAF VEX read into
// OpenVEX statements) with the name it is known by (its bundle path, e.g.
// vex/thermostat.openvex.json).
type Document struct {
	Name string
	VEX  *govex.VEX
	// Locations, when set, names where each statement came from in the
	// document as given (CSAF: its product status entry); otherwise a
	// statement is named by its index.
	Locations []string
}

// at is the CSAF location of statement i, "" for OpenVEX.
func (d *Document) at(i int) string {
	if i < len(d.Locations) {
		return d.Locations[i]
	}
	return ""
}

// location names statement i of the document.
func (d *Document) location(i int) string {
	if i < len(d.Locations) {
		return d.Name + "#" + d.Locations[i]
	}
	return fmt.Sprintf("%s#statements[%d]", d.Name, i)
}

// Parse reads an OpenVEX (JSON) document with go-vex, or a CSAF 2.0
// csaf_vex document with csafvex (schema, mandatory tests, justifications
// and impact statements kept); statements are checked when applied, with
// go-vex's validation plus craudit's rule that not_affected carries a
// justification.
func Parse(name string, b []byte) (*Document, error) {
	if len(b) > MaxDocument {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxDocument)
	}
	if csafvex.IsCSAF(b) {
		s, err := csafvex.Read(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return &Document{Name: name, VEX: s.VEX, Locations: s.Locations}, nil
	}
	var probe struct {
		Context *string `json:"@context"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&probe); err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: data after the JSON document", name)
	}
	if probe.Context == nil || !strings.Contains(*probe.Context, "openvex") {
		return nil, fmt.Errorf("%s: neither an OpenVEX document (no openvex @context) nor a CSAF VEX document (no document.csaf_version)", name)
	}
	var doc *govex.VEX
	var err error
	if *probe.Context == govex.ContextLocator() {
		doc, err = govex.Parse(b)
	} else {
		doc, err = openLegacy(b)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Document{Name: name, VEX: doc}, nil
}

// Row is one line of the vulnerability table: a finding and what the VEX
// statements say about it.
type Row struct {
	ID           string         `json:"id"`
	Aliases      []string       `json:"aliases"`
	Summary      string         `json:"summary,omitempty"`
	Severity     string         `json:"severity"`
	Component    vuln.Component `json:"component"`
	FixedVersion string         `json:"fixed_version,omitempty"`
	// Status is the VEX status, or "none" when no statement covers it.
	Status          string `json:"vex_status"`
	Justification   string `json:"justification,omitempty"`
	ImpactStatement string `json:"impact_statement,omitempty"`
	ActionStatement string `json:"action_statement,omitempty"`
	// Statement names the document and statement that decided the status.
	Statement string `json:"statement,omitempty"`
	// Suppressed is true when a valid statement takes the finding out of
	// the gate (not_affected with justification, or fixed); the row stays
	// in the table either way.
	Suppressed bool `json:"suppressed"`
}

// StatusNone marks a finding no statement covers.
const StatusNone = "none"

// Unmatched is a statement that names nothing in the SBOM.
type Unmatched struct {
	Document      string   `json:"document"`
	Statement     int      `json:"statement"` // index in the document
	Location      string   `json:"location,omitempty"`
	Vulnerability string   `json:"vulnerability"`
	Products      []string `json:"products"`
	Reason        string   `json:"reason"`
}

// Invalid is a statement craudit does not apply, and why.
type Invalid struct {
	Document      string `json:"document"`
	Statement     int    `json:"statement"`
	Location      string `json:"location,omitempty"`
	Vulnerability string `json:"vulnerability"`
	Reason        string `json:"reason"`
}

// Table is the vulnerability table of a release.
type Table struct {
	Rows      []Row       `json:"rows"`
	Unmatched []Unmatched `json:"unmatched_statements"`
	Invalid   []Invalid   `json:"invalid_statements"`
	// Applied lists every valid statement that names the release or its
	// components, whether or not the scan found the vulnerability (a fixed
	// statement usually has no finding): what the CSAF documents publish.
	Applied []Applied `json:"-"`
}

// Applied is a valid statement resolved against the release's SBOM.
type Applied struct {
	// Location names the document and statement.
	Location      string
	Vulnerability string
	Aliases       []string
	Status        string
	Justification string
	// ImpactStatement and ActionStatement are as the statement gives them.
	ImpactStatement string
	ActionStatement string
	// Components are the SBOM component refs the statement is about; "*"
	// stands for the release as a whole.
	Components []string
	When       time.Time
}

// AllComponents is the Applied.Components entry for the release as a whole.
const AllComponents = allComponents

func aliases(s govex.Statement) []string {
	var out []string
	for _, a := range s.Vulnerability.Aliases {
		out = append(out, string(a))
	}
	return out
}

// statement is one statement resolved against the SBOM.
type statement struct {
	doc        string
	index      int
	loc        string
	s          govex.Statement
	when       time.Time
	components []string // refs of matched SBOM components
	ids        []string
}

// Apply builds the vulnerability table: every finding of the scan, with
// the status the newest matching VEX statement gives it. Statements are
// matched to SBOM components by purl (percent-decoding, case rules per
// purl type, version, and the qualifiers the statement sets); a statement
// that names no component is listed as unmatched, never silently dropped.
func Apply(sbomCDX []byte, rep *vuln.Report, docs []*Document) (*Table, error) {
	sdoc, err := sbom.Decode(sbomCDX)
	if err != nil {
		return nil, err
	}
	return ApplyDocument(sdoc, rep, docs)
}

// ApplyDocument is Apply over an SBOM already decoded (decoding a large
// SBOM costs more than the matching; callers that hold one reuse it).
func ApplyDocument(sdoc *sbom.Document, rep *vuln.Report, docs []*Document) (*Table, error) {
	var comps []comp
	for _, c := range sdoc.Components {
		if p, err := sbom.ParsePURL(c.PURL); err == nil {
			comps = append(comps, comp{c.Ref, p})
		}
	}
	var subject *sbom.PURL
	if sdoc.Subject != nil {
		if p, err := sbom.ParsePURL(sdoc.Subject.PURL); err == nil {
			subject = &p
		}
	}
	t := &Table{Rows: []Row{}, Unmatched: []Unmatched{}, Invalid: []Invalid{}}
	var stmts []statement
	for _, d := range docs {
		for i, s := range d.VEX.Statements {
			vid := string(s.Vulnerability.Name)
			if err := validate(s); err != nil {
				t.Invalid = append(t.Invalid, Invalid{Document: d.Name, Statement: i, Location: d.at(i), Vulnerability: vid, Reason: err.Error()})
				continue
			}
			st := statement{doc: d.Name, index: i, loc: d.location(i), s: s, ids: statementIDs(s)}
			switch {
			case s.Timestamp != nil:
				st.when = *s.Timestamp
			case d.VEX.Timestamp != nil:
				st.when = *d.VEX.Timestamp
			}
			names := resolve(s, subject, comps, &st)
			if len(st.components) == 0 {
				reason := "neither the SBOM's subject nor any of its components matches the statement's products (and subcomponents) by package URL"
				if len(names) == 0 {
					reason = "the statement names no product by package URL"
				}
				t.Unmatched = append(t.Unmatched, Unmatched{Document: d.Name, Statement: i, Location: d.at(i), Vulnerability: vid, Products: names, Reason: reason})
				continue
			}
			stmts = append(stmts, st)
			t.Applied = append(t.Applied, Applied{Location: st.loc, Vulnerability: vid, Aliases: aliases(s),
				Status: string(s.Status), Justification: string(s.Justification), ImpactStatement: s.ImpactStatement,
				ActionStatement: s.ActionStatement, Components: st.components, When: st.when})
		}
	}
	for _, f := range rep.Findings {
		row := Row{ID: f.ID, Aliases: f.Aliases, Summary: f.Summary, Severity: f.Severity, Component: f.Component,
			FixedVersion: f.FixedVersion, Status: StatusNone}
		if row.Aliases == nil {
			row.Aliases = []string{}
		}
		if st := effective(stmts, f); st != nil {
			row.Status = string(st.s.Status)
			row.Justification = string(st.s.Justification)
			row.ImpactStatement = st.s.ImpactStatement
			row.ActionStatement = st.s.ActionStatement
			row.Statement = st.loc
			row.Suppressed = st.s.Status == govex.StatusNotAffected || st.s.Status == govex.StatusFixed
		}
		t.Rows = append(t.Rows, row)
	}
	slices.SortFunc(t.Rows, func(a, b Row) int {
		if x := strings.Compare(a.ID, b.ID); x != 0 {
			return x
		}
		return strings.Compare(a.Component.Ref, b.Component.Ref)
	})
	return t, nil
}

// validate applies go-vex's statement rules and insists on a
// justification for not_affected (an impact statement alone is not enough
// for an auditor to check the claim against a fixed vocabulary).
func validate(s govex.Statement) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.Status == govex.StatusNotAffected && s.Justification == "" {
		return errors.New("not_affected without a justification")
	}
	return nil
}

type comp struct {
	ref  string
	purl sbom.PURL
}

// allComponents marks a statement about the whole product.
const allComponents = "*"

// resolve finds the SBOM components a statement is about and returns the
// package URLs it names. A product with subcomponents counts only when the
// product itself is the SBOM's subject or one of its components (another
// vendor's statement about the same library inside its own product says
// nothing about this release); a product without subcomponents is either
// a component itself or the subject as a whole.
func resolve(s govex.Statement, subject *sbom.PURL, comps []comp, st *statement) []string {
	var names []string
	add := func(ref string) {
		if !slices.Contains(st.components, ref) {
			st.components = append(st.components, ref)
		}
	}
	matchAny := func(ids []string) []string {
		var refs []string
		for _, id := range ids {
			p, err := sbom.ParsePURL(id)
			if err != nil {
				continue
			}
			for _, c := range comps {
				if p.Matches(c.purl) {
					refs = append(refs, c.ref)
				}
			}
		}
		return refs
	}
	isSubject := func(ids []string) bool {
		for _, id := range ids {
			if p, err := sbom.ParsePURL(id); err == nil && subject != nil && p.Matches(*subject) {
				return true
			}
		}
		return false
	}
	for _, p := range s.Products {
		pids := purls(p.Component)
		names = append(names, pids...)
		inRelease := isSubject(pids) || len(matchAny(pids)) > 0
		if len(p.Subcomponents) == 0 {
			if isSubject(pids) {
				add(allComponents)
			}
			for _, r := range matchAny(pids) {
				add(r)
			}
			continue
		}
		for _, sc := range p.Subcomponents {
			sids := purls(sc.Component)
			names = append(names, sids...)
			if !inRelease {
				continue
			}
			for _, r := range matchAny(sids) {
				add(r)
			}
		}
	}
	return names
}

func purls(c govex.Component) []string {
	var out []string
	if strings.HasPrefix(c.ID, "pkg:") {
		out = append(out, c.ID)
	}
	if p := c.Identifiers[govex.PURL]; p != "" && p != c.ID {
		out = append(out, p)
	}
	return out
}

func statementIDs(s govex.Statement) []string {
	ids := []string{string(s.Vulnerability.Name), s.Vulnerability.ID}
	for _, a := range s.Vulnerability.Aliases {
		ids = append(ids, string(a))
	}
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, strings.ToUpper(id))
		}
	}
	return out
}

// effective returns the newest statement about a finding's component that
// names the finding's ID or one of its aliases; later documents win ties.
func effective(stmts []statement, f vuln.Finding) *statement {
	var ids []string
	for _, id := range f.IDs() {
		ids = append(ids, strings.ToUpper(id))
	}
	var best *statement
	for i := range stmts {
		st := &stmts[i]
		if !slices.Contains(st.components, f.Component.Ref) && !slices.Contains(st.components, allComponents) {
			continue
		}
		hit := false
		for _, id := range st.ids {
			if slices.Contains(ids, id) {
				hit = true
				break
			}
		}
		if hit && (best == nil || !st.when.Before(best.when)) {
			best = st
		}
	}
	return best
}

// Marshal encodes the table with a trailing newline.
func (t *Table) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
