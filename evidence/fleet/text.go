package fleet

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// rate is n of total as a percentage text.
func rate(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

// listCut names at most max units and says how many more there are (text
// only: the JSON form lists them all).
func listCut(units []string, max int) string {
	if len(units) <= max {
		return strings.Join(units, ", ")
	}
	return strings.Join(units[:max], ", ") + fmt.Sprintf(" and %d more", len(units)-max)
}

// WriteText writes the snapshot for a person.
func (s *Status) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "fleet status at %s (%s store)", s.ReferenceTime.Format(time.RFC3339), s.Store)
	if s.Product != "" {
		fmt.Fprintf(&b, ", product %s", s.Product)
	}
	fmt.Fprintf(&b, "\nunits: %d registered, %d reporting\n", s.Units, s.Reporting)
	b.WriteString("releases (units on it; attempts to install it: success / failure / rollback / refused-attack):\n")
	for _, r := range s.Releases {
		a := r.Attempts
		vulns := "open vulnerabilities unknown (no bundle given)"
		if r.Judged {
			vulns = "no open vulnerabilities"
			if len(r.OpenVulnerabilities) > 0 {
				vulns = fmt.Sprintf("%d open vulnerabilities: %s", len(r.OpenVulnerabilities), listCut(r.OpenVulnerabilities, 5))
			}
		}
		fmt.Fprintf(&b, "  %-16s %7d units  %d attempts: %s / %s / %s / %s; %s\n", r.Version, r.Units, a.Attempts,
			rate(a.Success, a.Attempts), rate(a.Failure, a.Attempts), rate(a.Rollback, a.Attempts), rate(a.RefusedAttack, a.Attempts), vulns)
	}
	for _, c := range s.Campaigns {
		a := c.Attempts
		fmt.Fprintf(&b, "campaign %s -> %s: %d attempts: %s success, %s failure, %s rollback, %s refused-attack\n", c.ID, c.Release, a.Attempts,
			rate(a.Success, a.Attempts), rate(a.Failure, a.Attempts), rate(a.Rollback, a.Attempts), rate(a.RefusedAttack, a.Attempts))
	}
	fmt.Fprintf(&b, "units on a release with open vulnerabilities: %d; on a release no bundle judged: %d\n", s.OpenVulnerabilityUnits, s.UnjudgedUnits)
	if s.Support.Problem != "" {
		fmt.Fprintf(&b, "support: not judged: %s\n", s.Support.Problem)
	} else {
		fmt.Fprintf(&b, "support (%s): %d in support, %d past the end", s.Support.Basis, s.Support.InSupport, len(s.Support.PastSupport))
		if len(s.Support.PastSupport) > 0 {
			fmt.Fprintf(&b, " (%s)", listCut(s.Support.PastSupport, 10))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "no placed-on-market record (support start unknown): %d", len(s.Support.UnknownStart))
	if len(s.Support.UnknownStart) > 0 {
		fmt.Fprintf(&b, " (%s)", listCut(s.Support.UnknownStart, 10))
	}
	fmt.Fprintf(&b, "\nsilent for more than %d days: %d", s.SilentDays, len(s.SilentUnits))
	if len(s.SilentUnits) > 0 {
		fmt.Fprintf(&b, " (%s)", listCut(s.SilentUnits, 10))
	}
	r := s.Rejected
	fmt.Fprintf(&b, "\nrejected reports: %d (bad signature %d, replay %d, unknown device %d, hardware mismatch %d, malformed %d)\n",
		r.Total(), r.BadSignature, r.Replay, r.UnknownDevice, r.HardwareMismatch, r.Malformed)
	_, err := io.WriteString(w, b.String())
	return err
}
