package attackrun

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// Text renders the run for a reader.
func (r *Run) Text() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Attack simulation, %s profile\nclient: %s\n", r.Profile, r.Client)
	if r.SelfTest {
		fmt.Fprintf(&b, "%s: craudit's own client; not evidence about a product's updater\n", SelfTestLabel)
	}
	if u := r.Updater; u != nil {
		fmt.Fprintf(&b, "updater: %s (%s), SHA-256 %s\n", u.Name, u.Path, u.SHA256)
		for _, c := range u.Configs {
			fmt.Fprintf(&b, "client config: %s, SHA-256 %s\n", c.Path, c.SHA256)
		}
	}
	fmt.Fprintf(&b, "reference time: %s (%s)\n\n", r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource)
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

// JUnit renders the run as a JUnit XML test suite (one test case per
// scenario; vulnerable and functional failures are failures, other
// verdicts but pass are errors).
func (r *Run) JUnit() []byte {
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
	if r.SelfTest {
		s.Name = "craudit attack (" + string(r.Profile) + ", " + SelfTestLabel + ")"
	}
	for _, sc := range r.Scenarios {
		c := tc{Name: sc.ID, Classname: "enisa.step" + fmt.Sprint(sc.Step) + "." + strings.ReplaceAll(sc.Control, "-", "_"), SystemOut: sc.Detail}
		switch sc.Verdict {
		case Pass:
		case Vulnerable, FunctionalFailure:
			c.Failure = &failure{Message: sc.Verdict.Label(), Type: string(sc.Verdict), Text: sc.Detail}
			s.Failures++
		default:
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
