package text

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
)

// Renderer writes the text summary.
type Renderer struct{}

func (Renderer) Name() string { return "text" }
func (Renderer) File() string { return "results.txt" }

var mark = map[checks.Status]string{checks.Pass: "PASS", checks.Fail: "FAIL", checks.Declared: "DECL",
	checks.Missing: "MISS", checks.NotApplicable: "N/A ", checks.Waived: "WAIV", checks.Error: "ERR "}

// Render writes one line per check, grouped by step, then the summary.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	r := d.Report
	var b strings.Builder
	fmt.Fprintf(&b, "craudit %s — %s %s (%s)\n", r.Tool.Version, r.Subject.ProductName, r.Subject.Version, r.Subject.Product)
	fmt.Fprintf(&b, "reference time %s (%s)\n", r.ReferenceTime.Format(time.RFC3339), r.TimeSource)
	if len(r.Problems) > 0 {
		fmt.Fprintf(&b, "\nBundle problems (%d):\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  %s: %s\n", p.Path, p.Reason)
		}
	}
	for _, g := range reports.ByStep(r) {
		if g.Step > 0 {
			fmt.Fprintf(&b, "\nStep %d — %s\n", g.Step, g.Name)
		} else {
			fmt.Fprintf(&b, "\n%s\n", g.Name)
		}
		for _, res := range g.Results {
			req := ""
			if !res.Required {
				req = " (advisory)"
			}
			fmt.Fprintf(&b, "  %s %-34s %s%s\n", mark[res.Status], res.Check, res.Message, req)
			if res.Status == checks.Fail || res.Status == checks.Missing || res.Status == checks.Error {
				shown := 0
				for _, f := range res.Findings {
					if f.Status != checks.Fail && f.Status != checks.Missing {
						continue
					}
					if shown == 5 {
						fmt.Fprintf(&b, "       … and more findings (see --format json)\n")
						break
					}
					fmt.Fprintf(&b, "       - %s: %s\n", f.Subject, f.Message)
					shown++
				}
				if res.Remediation != "" {
					fmt.Fprintf(&b, "       fix: %s\n", res.Remediation)
				}
			}
		}
	}
	for _, wv := range r.Waivers {
		fmt.Fprintf(&b, "\nwaiver %s (%s): %s — approved by %s, expires %s\n", wv.ID, wv.State(), wv.Justification, wv.Approver, wv.Expires.Format(time.DateOnly))
	}
	fmt.Fprintf(&b, "\n%s: %s\n", r.Summary.Line(), strings.ToUpper(r.Outcome))
	_, err := io.WriteString(w, b.String())
	return err
}
