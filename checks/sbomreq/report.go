package sbomreq

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/craudit/craudit/evidence/sbom"
)

// Schema identifies the JSON output of `craudit sbom check`. Fields are
// only ever added, never renamed.
const Schema = "https://craudit.dev/schema/sbom-check/v1"

// Status of one requirement result.
const (
	StatusPass = "pass"
	StatusFail = "fail"
)

// Result is one requirement judged on the document or one component.
type Result struct {
	Requirement string `json:"requirement"`
	// Subject is "document" or the component's bom-ref / SPDXID.
	Subject string `json:"subject"`
	// Component is the component's name (empty for the document).
	Component string `json:"component,omitempty"`
	Status    string `json:"status"`
	Message   string `json:"message,omitempty"`
}

// Count summarises one requirement over all its subjects.
type Count struct {
	Requirement string `json:"requirement"`
	Title       string `json:"title"`
	Scope       Scope  `json:"scope"`
	Pass        int    `json:"pass"`
	Fail        int    `json:"fail"`
}

// Report is the result of checking one SBOM against one standard.
type Report struct {
	Schema     string   `json:"schema"`
	Standard   string   `json:"standard"`
	Edition    string   `json:"edition"`
	File       string   `json:"file,omitempty"`
	Format     string   `json:"format"`
	Components int      `json:"components"`
	Conformant bool     `json:"conformant"`
	Summary    []Count  `json:"summary"`
	Results    []Result `json:"results"`
}

// Check judges every requirement of a standard on the document and on each
// component, in document order. It never fails: gaps are results.
func Check(d *sbom.Document, standard string) (*Report, error) {
	reqs, err := Requirements(standard)
	if err != nil {
		return nil, err
	}
	if standard == "" {
		standard = StandardBSI
	}
	r := &Report{Schema: Schema, Standard: standard, Edition: editions[standard],
		Format: d.Format + " " + d.SpecVersion, Components: len(d.Components), Conformant: true,
		Results: make([]Result, 0, len(reqs)*(len(d.Components)+1))}
	counts := make([]Count, len(reqs))
	for i, q := range reqs {
		counts[i] = Count{Requirement: q.ID, Title: q.Title, Scope: q.Scope}
	}
	add := func(i int, subject, name, msg string) {
		res := Result{Requirement: reqs[i].ID, Subject: subject, Component: name, Status: StatusPass}
		if msg != "" {
			res.Status, res.Message = StatusFail, msg
			counts[i].Fail++
			r.Conformant = false
		} else {
			counts[i].Pass++
		}
		r.Results = append(r.Results, res)
	}
	for i, q := range reqs {
		if q.Scope == ScopeDocument {
			add(i, "document", "", q.doc(d))
		}
	}
	for ci := range d.Components {
		c := &d.Components[ci]
		for i, q := range reqs {
			if q.Scope == ScopeComponent {
				add(i, c.Ref, c.Name, q.comp(d, c))
			}
		}
	}
	if len(d.Components) == 0 {
		r.Conformant = false
		r.Results = append(r.Results, Result{Requirement: reqs[0].ID, Subject: "document", Status: StatusFail, Message: "the SBOM lists no components"})
	}
	r.Summary = counts
	return r, nil
}

// JSON encodes the report with a trailing newline.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// maxDetails bounds the failures printed per requirement in text output,
// so the summary of a 10,000-component SBOM stays readable.
const maxDetails = 10

// WriteText prints counts per requirement, then the failures (a few per
// requirement; --format json has them all).
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := "conformant"
	if !r.Conformant {
		verdict = "NOT conformant"
	}
	name := r.File
	if name == "" {
		name = "SBOM"
	}
	fmt.Fprintf(&b, "%s (%s, %d components): %s to %s v%s\n\n", name, r.Format, r.Components, verdict, r.Standard, r.Edition)
	fmt.Fprintf(&b, "%-46s %-9s %7s %7s\n", "requirement", "scope", "pass", "fail")
	for _, c := range r.Summary {
		fmt.Fprintf(&b, "%-46s %-9s %7d %7d\n", c.Requirement, c.Scope, c.Pass, c.Fail)
	}
	// Gaps grouped by requirement, a few each.
	byReq := map[string][]Result{}
	for _, res := range r.Results {
		if res.Status == StatusFail && len(byReq[res.Requirement]) <= maxDetails {
			byReq[res.Requirement] = append(byReq[res.Requirement], res)
		}
	}
	if !r.Conformant {
		b.WriteString("\nGaps:\n")
	}
	for _, c := range r.Summary {
		list := byReq[c.Requirement]
		if len(list) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %s (%d):\n", c.Requirement, c.Fail)
		for i, res := range list {
			if i == maxDetails {
				fmt.Fprintf(&b, "    ... %d more (--format json lists all)\n", c.Fail-maxDetails)
				break
			}
			subj := res.Subject
			if res.Component != "" && res.Component != res.Subject {
				subj = res.Component + " [" + res.Subject + "]"
			}
			fmt.Fprintf(&b, "    %s: %s\n", subj, res.Message)
		}
	}
	for _, res := range r.Results {
		if res.Status == StatusFail && byReq[res.Requirement] == nil {
			fmt.Fprintf(&b, "  %s: %s\n", res.Subject, res.Message) // e.g. "no components"
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
