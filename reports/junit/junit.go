package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/mappings"
)

// Lookup describes a catalogue entry (mappings.Set.Describe).
type Lookup func(id string) (title, text string, ok bool)

// Options say what the report alone does not.
type Options struct {
	// Lookup names the catalogue entries in each testcase's details; nil
	// lists IDs only.
	Lookup Lookup
}

type testsuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Suites   []testsuite `xml:"testsuite"`
}

type testsuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Timestamp  string     `xml:"timestamp,attr,omitempty"`
	Properties []property `xml:"properties>property,omitempty"`
	Cases      []testcase `xml:"testcase"`
}

type property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type testcase struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Failure   *outcome `xml:"failure,omitempty"`
	Error     *outcome `xml:"error,omitempty"`
	Skipped   *outcome `xml:"skipped,omitempty"`
	SystemOut *cdata   `xml:"system-out,omitempty"`
}

// cdata keeps multi-line details readable in the XML.
type cdata struct {
	Text string `xml:",cdata"`
}

type outcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

func suiteName(step int) string {
	if n := mappings.MustLoad().StepTitle(step); n != "" {
		return fmt.Sprintf("enisa/step/%d %s", step, strings.ToLower(n))
	}
	return "general"
}

// Render writes r as JUnit XML.
func Render(w io.Writer, r *checks.Report, o Options) error {
	b, err := Marshal(r, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns r as JUnit XML bytes with a final newline.
func Marshal(r *checks.Report, o Options) ([]byte, error) {
	ts := testsuites{Name: strings.TrimSpace("craudit " + r.Subject.Product + " " + r.Subject.Version)}
	bySteps := map[int]*testsuite{}
	var order []int
	for _, res := range r.Results {
		s, ok := bySteps[res.Step]
		if !ok {
			s = &testsuite{Name: suiteName(res.Step), Timestamp: stamp(r), Properties: props(r)}
			bySteps[res.Step] = s
			order = append(order, res.Step)
		}
		tc := makeCase(res, o.Lookup)
		s.Tests++
		switch {
		case tc.Failure != nil:
			s.Failures++
		case tc.Error != nil:
			s.Errors++
		case tc.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
	}
	// Steps in lifecycle order, "general" (step 0) last.
	sortSteps(order)
	for _, st := range order {
		s := bySteps[st]
		ts.Tests += s.Tests
		ts.Failures += s.Failures
		ts.Errors += s.Errors
		ts.Skipped += s.Skipped
		ts.Suites = append(ts.Suites, *s)
	}
	b, err := xml.MarshalIndent(ts, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("junit: %w", err)
	}
	return append(append([]byte(xml.Header), b...), '\n'), nil
}

func sortSteps(s []int) {
	key := func(n int) int {
		if n <= 0 {
			return 1 << 30
		}
		return n
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && key(s[j]) < key(s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func stamp(r *checks.Report) string {
	if r.ReferenceTime.IsZero() {
		return ""
	}
	return r.ReferenceTime.UTC().Format("2006-01-02T15:04:05")
}

func props(r *checks.Report) []property {
	p := []property{{"reference_time", r.ReferenceTime.UTC().Format("2006-01-02T15:04:05Z")}, {"outcome", r.Outcome}}
	if r.TimeSource != "" {
		p = append(p, property{"time_source", r.TimeSource})
	}
	return p
}

func makeCase(res checks.Result, lookup Lookup) testcase {
	area, _, _ := strings.Cut(res.Check, "/")
	tc := testcase{Name: res.Check, Classname: "craudit." + area}
	details := detailText(res, lookup)
	msg := xmlSafe(fmt.Sprintf("%s: %s", res.Status, oneLine(res.Message)))
	switch res.Status {
	case checks.Pass:
		tc.SystemOut = &cdata{details}
	case checks.Declared:
		tc.SystemOut = &cdata{"declared (no automated proof; the manufacturer's declaration with verified evidence)\n" + details}
	case checks.Fail, checks.Missing:
		if res.Required {
			tc.Failure = &outcome{Message: msg, Type: string(res.Status), Body: details}
		} else {
			tc.Skipped = &outcome{Message: "not required by policy: " + msg, Body: details}
		}
	case checks.NotApplicable:
		tc.Skipped = &outcome{Message: msg, Body: details}
	case checks.Waived:
		m := msg
		if w := res.Waiver; w != nil {
			m = xmlSafe(fmt.Sprintf("waived until %s by %s: %s", w.Expires.Format("2006-01-02"), w.Approver, oneLine(w.Justification)))
		}
		tc.Skipped = &outcome{Message: m, Body: details}
	default:
		tc.Error = &outcome{Message: msg, Type: "error", Body: details}
	}
	return tc
}

func detailText(res checks.Result, lookup Lookup) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (v%d): %s\n", res.Title, res.Version, res.Status)
	if res.Message != "" {
		fmt.Fprintf(&b, "%s\n", res.Message)
	}
	basis := "ENISA advisory / best practice"
	if res.Basis == checks.BasisCRA {
		basis = "CRA mandate"
	}
	fmt.Fprintf(&b, "basis: %s\n", basis)
	for _, id := range res.MapsTo {
		if lookup != nil {
			if title, _, ok := lookup(id); ok {
				fmt.Fprintf(&b, "maps to: %s (%s)\n", id, title)
				continue
			}
		}
		fmt.Fprintf(&b, "maps to: %s\n", id)
	}
	for _, e := range res.Evidence {
		fmt.Fprintf(&b, "evidence: %s sha256:%s\n", e.Path, e.SHA256)
	}
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "finding %s: %s: %s\n", f.ID, f.Status, oneLine(f.Message))
	}
	if res.Remediation != "" {
		fmt.Fprintf(&b, "remediation: %s\n", res.Remediation)
	}
	return xmlSafe(b.String())
}

// xmlSafe replaces characters XML 1.0 cannot carry (control characters from
// hostile metadata, invalid UTF-8) so the document always parses.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
