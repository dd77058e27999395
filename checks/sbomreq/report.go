package sbomreq

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/craudit/craudit/evidence/sbom"
)

// Schema identifies the JSON output of `craudit sbom check`. Fields are
// only ever added, never renamed.
const Schema = "https://craudit.dev/schema/sbom-check/v1"

// Status of one requirement result. Only fail makes an SBOM not
// conformant.
const (
	StatusPass = "pass"
	StatusFail = "fail"
	// StatusNotGiven: an additional field (required only where the
	// information exists, which the checker cannot know) or an optional
	// field is absent. Reported, not failed.
	StatusNotGiven = "not-given"
	// StatusAdvice: the requirement is met but a recommendation is not
	// (e.g. a timestamp not in UTC), or an optional field is malformed.
	StatusAdvice = "advice"
	// StatusNotApplicable: the field does not apply to this component
	// (a logical component has no file of its own, section 3.2.2).
	StatusNotApplicable = "not-applicable"
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
	Requirement   string `json:"requirement"`
	Title         string `json:"title"`
	Scope         Scope  `json:"scope"`
	Level         Level  `json:"level,omitempty"`
	Pass          int    `json:"pass"`
	Fail          int    `json:"fail"`
	NotGiven      int    `json:"not_given,omitempty"`
	Advice        int    `json:"advice,omitempty"`
	NotApplicable int    `json:"not_applicable,omitempty"`
}

// Report is the result of checking one SBOM against one standard.
type Report struct {
	Schema   string `json:"schema"`
	Standard string `json:"standard"`
	Edition  string `json:"edition"`
	File     string `json:"file,omitempty"`
	Format   string `json:"format"`
	// Components counts the components judged: the primary component and
	// everything nested under it, then every other component.
	Components int      `json:"components"`
	Conformant bool     `json:"conformant"`
	Summary    []Count  `json:"summary"`
	Results    []Result `json:"results"`
}

// Check judges every requirement of a standard on the document and on each
// component (the primary component and its nested components first, then
// the others, in document order). It never fails: gaps are results.
func Check(d *sbom.Document, standard string) (*Report, error) {
	reqs, err := Requirements(standard)
	if err != nil {
		return nil, err
	}
	if standard == "" {
		standard = StandardBSI
	}
	n := len(d.Primary) + len(d.Components)
	r := &Report{Schema: Schema, Standard: standard, Edition: editions[standard],
		Format: d.Format + " " + d.SpecVersion, Components: n, Conformant: true,
		Results: make([]Result, 0, len(reqs)*(n+1))}
	counts := make([]Count, len(reqs))
	for i, q := range reqs {
		counts[i] = Count{Requirement: q.ID, Title: q.Title, Scope: q.Scope, Level: q.Level}
	}
	add := func(i int, subject, name string, v verdict) {
		res := Result{Requirement: reqs[i].ID, Subject: subject, Component: name, Status: v.status, Message: v.msg}
		switch v.status {
		case StatusPass:
			counts[i].Pass++
		case StatusNotGiven:
			counts[i].NotGiven++
		case StatusAdvice:
			counts[i].Advice++
		case StatusNotApplicable:
			counts[i].NotApplicable++
		default:
			res.Status = StatusFail
			counts[i].Fail++
			r.Conformant = false
		}
		r.Results = append(r.Results, res)
	}
	for i, q := range reqs {
		if q.Scope == ScopeDocument {
			add(i, "document", "", q.doc(d))
		}
	}
	lic := licenceCache{}
	// The primary component: the root of Primary (CycloneDX), or the
	// described package among the components (SPDX).
	primaryRef := ""
	if d.Subject != nil && len(d.Primary) == 0 {
		primaryRef = d.Subject.Ref
	}
	judge := func(list []sbom.Component, inPrimary bool) {
		for ci := range list {
			c := &list[ci]
			isPrimary := (inPrimary && ci == 0) || (!inPrimary && primaryRef != "" && c.Ref == primaryRef)
			s := &subject{doc: d, c: c, list: list, primary: isPrimary, logical: isLogical(d, c, isPrimary), lic: lic}
			for i, q := range reqs {
				if q.Scope == ScopeComponent {
					add(i, c.Ref, c.Name, q.comp(s))
				}
			}
		}
	}
	judge(d.Primary, true)
	judge(d.Components, false)
	if n == 0 {
		r.Conformant = false
		r.Results = append(r.Results, Result{Requirement: reqs[0].ID, Subject: "document", Status: StatusFail, Message: "the SBOM lists no components"})
		counts[0].Fail++
	}
	r.Summary = counts
	return r, nil
}

// WriteJSON streams the report as JSON: the same document JSON returns,
// with one result per line, so a report of millions of results is never
// held twice in memory.
func (r *Report) WriteJSON(w io.Writer) error {
	// The report without its results (the shallower field hides the
	// embedded one), then the results streamed after it.
	head := struct {
		*Report
		Results []Result `json:"results,omitempty"`
	}{Report: r}
	b, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	b = bytes.TrimSuffix(b, []byte("\n}"))
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(b)
	bw.WriteString(",\n  \"results\": [")
	for i := range r.Results {
		line, err := json.Marshal(&r.Results[i])
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		bw.Write(line)
	}
	if len(r.Results) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
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
	fmt.Fprintf(&b, "%-46s %-10s %7s %7s %9s %7s %7s\n", "requirement", "level", "pass", "fail", "not-given", "advice", "n/a")
	for _, c := range r.Summary {
		fmt.Fprintf(&b, "%-46s %-10s %7d %7d %9d %7d %7d\n", c.Requirement, c.Level, c.Pass, c.Fail, c.NotGiven, c.Advice, c.NotApplicable)
	}
	// Gaps, then advice, grouped by requirement, a few each.
	for _, sec := range []struct{ status, head string }{{StatusFail, "Gaps"}, {StatusAdvice, "Advice (recommendations; not failures)"}} {
		byReq := map[string][]Result{}
		for _, res := range r.Results {
			if res.Status == sec.status && len(byReq[res.Requirement]) <= maxDetails {
				byReq[res.Requirement] = append(byReq[res.Requirement], res)
			}
		}
		if len(byReq) > 0 {
			fmt.Fprintf(&b, "\n%s:\n", sec.head)
		}
		for _, c := range r.Summary {
			list := byReq[c.Requirement]
			if len(list) == 0 {
				continue
			}
			total := c.Fail
			if sec.status == StatusAdvice {
				total = c.Advice
			}
			fmt.Fprintf(&b, "  %s (%d):\n", c.Requirement, total)
			for i, res := range list {
				if i == maxDetails {
					fmt.Fprintf(&b, "    ... %d more (--format json lists all)\n", total-maxDetails)
					break
				}
				subj := res.Subject
				if res.Component != "" && res.Component != res.Subject {
					subj = res.Component + " [" + res.Subject + "]"
				}
				fmt.Fprintf(&b, "    %s: %s\n", subj, res.Message)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
