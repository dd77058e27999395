package transcript

import (
	"fmt"
	"strings"
	"time"
)

// Text renders the run for a person: the verdict first, then each step,
// then the requests.
func (t *Run) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s repository %s: %s\n", t.Profile, t.Repository, strings.ToUpper(t.Verdict))
	if t.Failure != nil {
		fmt.Fprintf(&b, "failed at %s (%s): %s\n", t.Failure.Step, t.Failure.Control, t.Failure.Reason)
	}
	if t.ImageRepository != "" {
		fmt.Fprintf(&b, "image repository %s\n", t.ImageRepository)
	}
	fmt.Fprintf(&b, "reference time %s (%s); TLS judged at the wall clock\n", t.ReferenceTime.Format(time.RFC3339), t.TimeSource)
	if c := t.Contacted; c != nil {
		fmt.Fprintf(&b, "contacted %s", c.Address)
		if c.Resolve != "" {
			fmt.Fprintf(&b, " (--resolve %s)", c.Resolve)
		}
		if c.TLSLeafSHA256 != "" {
			fmt.Fprintf(&b, "; TLS leaf %s, SHA-256 %s", c.TLSLeafSubject, c.TLSLeafSHA256)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nsteps:\n")
	for _, s := range t.Steps {
		v := ""
		if s.Version > 0 {
			v = fmt.Sprintf(" v%d", s.Version)
		}
		role := ""
		if s.Role != "" && !strings.HasPrefix(s.ID, s.Role+"/") {
			role = " [" + s.Role + "]"
		}
		fmt.Fprintf(&b, "  %-4s %-28s%s%s  %s\n", s.Verdict, s.ID, role, v, s.Detail)
	}
	if len(t.Targets) > 0 {
		b.WriteString("\ntargets:\n")
		for _, tg := range t.Targets {
			fmt.Fprintf(&b, "  %-4s %s  %d bytes  sha256 %s\n", tg.Verdict, tg.Name, tg.Length, tg.SHA256)
		}
	}
	fmt.Fprintf(&b, "\n%d requests:\n", len(t.Requests))
	for _, r := range t.Requests {
		st := fmt.Sprint(r.Status)
		if r.Error != "" {
			st = "error " + string(r.Kind)
		}
		fmt.Fprintf(&b, "  %s  %s  %d bytes (limit %d)\n", st, r.URL, r.Bytes, r.Limit)
	}
	return b.String()
}
