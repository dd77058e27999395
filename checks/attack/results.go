package attack

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/craudit/craudit/checks"
)

// ResultsSchema identifies attack-results.json.
const ResultsSchema = "https://craudit.dev/schema/attack-results/v1"

// Results is attack-results.json (design.md): evidence for the ENISA step
// 3-5 checks and the dossier's test report (Annex VII point 6).
type Results struct {
	Schema        string      `json:"schema"`
	Tool          checks.Tool `json:"tool"`
	Profile       Profile     `json:"profile"`
	Client        string      `json:"client"`
	ReferenceTime time.Time   `json:"reference_time"`
	TimeSource    string      `json:"time_source"`
	// ClientTime says how the reference time reached the client.
	ClientTime string   `json:"client_time"`
	Limits     Limits   `json:"limits"`
	Scenarios  []Result `json:"scenarios"`
	Summary    Summary  `json:"summary"`
}

// Limits are the harness settings the verdicts depend on.
type Limits struct {
	DeadlineMS     int64 `json:"deadline_ms"`
	SlowIntervalMS int64 `json:"slow_interval_ms"`
	EndlessBytes   int64 `json:"endless_bytes"`
}

// Result is one scenario's verdict.
type Result struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Step    int     `json:"step"`
	Control string  `json:"control"`
	Mirrors string  `json:"mirrors"`
	Expect  Expect  `json:"expect"`
	Verdict Verdict `json:"verdict"`
	// ExitCode of the client's run against the scenario's repository (or of
	// the failed baseline run); -1 when it was killed.
	ExitCode int    `json:"exit_code"`
	Detail   string `json:"detail"`
	// ClientSaid is the client's last output line when it rightly refused.
	ClientSaid string `json:"client_said,omitempty"`
}

// Summary counts verdicts.
type Summary struct {
	Total             int `json:"total"`
	Pass              int `json:"pass"`
	Vulnerable        int `json:"vulnerable"`
	FunctionalFailure int `json:"functional_failure"`
	Inconclusive      int `json:"inconclusive"`
}

func (r *Results) summarise() {
	s := Summary{Total: len(r.Scenarios)}
	for _, sc := range r.Scenarios {
		switch sc.Verdict {
		case Pass:
			s.Pass++
		case Vulnerable:
			s.Vulnerable++
		case FunctionalFailure:
			s.FunctionalFailure++
		default:
			s.Inconclusive++
		}
	}
	r.Summary = s
	if r.Scenarios == nil {
		r.Scenarios = []Result{}
	}
}

// OK reports whether every scenario passed (exit 0).
func (r *Results) OK() bool { return r.Summary.Total > 0 && r.Summary.Pass == r.Summary.Total }

// JSON encodes attack-results.json.
func (r *Results) JSON() []byte {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		panic(err) // plain values only
	}
	return append(b, '\n')
}

// ParseResults decodes attack-results.json.
func ParseResults(b []byte) (*Results, error) {
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("attack results: %w", err)
	}
	if r.Schema != ResultsSchema {
		return nil, fmt.Errorf("attack results: schema %q, want %q", r.Schema, ResultsSchema)
	}
	return &r, nil
}

// Text renders the results for a reader.
func (r *Results) Text() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Attack simulation, %s profile\nclient: %s\nreference time: %s (%s)\n\n", r.Profile, r.Client,
		r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERDICT\tSCENARIO\tSTEP\tEXPECT\tDETAIL")
	for _, s := range r.Scenarios {
		label := s.Verdict.Label()
		if s.Verdict == Pass && s.Expect == Reject {
			label = "protected"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", label, s.ID, s.Step, s.Expect, s.Detail)
	}
	tw.Flush()
	s := r.Summary
	fmt.Fprintf(&b, "\n%d scenarios: %d pass, %d VULNERABLE, %d functional failure, %d inconclusive\n",
		s.Total, s.Pass, s.Vulnerable, s.FunctionalFailure, s.Inconclusive)
	return b.Bytes()
}

// JUnit renders the results as a JUnit XML test suite (one test case per
// scenario; vulnerable and functional failures are failures, inconclusive
// ones errors).
func (r *Results) JUnit() []byte {
	type failure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	type tc struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Error     *failure `xml:"error,omitempty"`
		SystemOut string   `xml:"system-out,omitempty"`
	}
	type suite struct {
		XMLName  xml.Name `xml:"testsuite"`
		Name     string   `xml:"name,attr"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Cases    []tc     `xml:"testcase"`
	}
	s := suite{Name: "craudit attack (" + string(r.Profile) + ")", Tests: len(r.Scenarios)}
	for _, sc := range r.Scenarios {
		c := tc{Name: sc.ID, Classname: "enisa.step" + fmt.Sprint(sc.Step) + "." + strings.ReplaceAll(sc.Control, "-", "_"), SystemOut: sc.Detail}
		switch sc.Verdict {
		case Vulnerable, FunctionalFailure:
			c.Failure = &failure{Message: sc.Verdict.Label(), Type: string(sc.Verdict), Text: sc.Detail}
			s.Failures++
		case Inconclusive:
			c.Error = &failure{Message: sc.Verdict.Label(), Type: string(sc.Verdict), Text: sc.Detail}
			s.Errors++
		}
		s.Cases = append(s.Cases, c)
	}
	out, err := xml.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(append([]byte(xml.Header), out...), '\n')
}

// ParseResultSet decodes attack-results.json holding one run, or a JSON
// array of runs (one per profile).
func ParseResultSet(b []byte) ([]*Results, error) {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(t, &raws); err != nil {
			return nil, fmt.Errorf("attack results: %w", err)
		}
		if len(raws) == 0 {
			return nil, fmt.Errorf("attack results: empty list")
		}
		out := make([]*Results, 0, len(raws))
		for _, r := range raws {
			res, err := ParseResults(r)
			if err != nil {
				return nil, err
			}
			out = append(out, res)
		}
		return out, nil
	}
	r, err := ParseResults(b)
	if err != nil {
		return nil, err
	}
	return []*Results{r}, nil
}

// JSONSet encodes several runs (one per profile) as one attack-results.json.
func JSONSet(runs []*Results) []byte {
	b, err := json.MarshalIndent(runs, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}
