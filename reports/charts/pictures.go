package charts

import (
	"fmt"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
)

// Statuses in the order charts and legends show them.
var Statuses = []checks.Status{checks.Pass, checks.Fail, checks.Missing, checks.Declared, checks.NotApplicable, checks.Waived, checks.Error}

// StatusColour is the colour of each status, shared by every format.
var StatusColour = map[checks.Status]string{checks.Pass: "#2e7d32", checks.Fail: "#c62828", checks.Missing: "#ef6c00",
	checks.Declared: "#1565c0", checks.NotApplicable: "#9e9e9e", checks.Waived: "#6a1b9a", checks.Error: "#000000",
	reports.NotJudged: "#757575"}

const (
	ink   = "#1b1b1b"
	grey  = "#757575"
	light = "#dddddd"
)

func legend(c *Chart, y float64, items []string, colours []string) {
	x := 0.0
	for i, it := range items {
		c.rect(x, y-9, 10, 10, colours[i], "")
		c.text(x+13, y, 10, Start, ink, it)
		x += 22 + 5.6*float64(len(it))
	}
}

// Steps draws one stacked bar per ENISA step (1-7, every step shown, empty
// ones labelled "no checks") of its checks' statuses.
func Steps(groups []reports.StepGroup) Chart {
	byStep := map[int]reports.StepGroup{}
	for _, g := range groups {
		byStep[g.Step] = g
	}
	const labelW, barW, rowH = 150.0, 420.0, 22.0
	c := Chart{Label: "Check status per ENISA lifecycle step", Width: labelW + barW + 40, Height: 7*rowH + 30}
	max := 1
	for _, g := range groups {
		if n := total(g.Summary); n > max {
			max = n
		}
	}
	for step := 1; step <= 7; step++ {
		y := float64(step-1) * rowH
		c.text(labelW-6, y+15, 11, End, ink, fmt.Sprintf("%d. %s", step, reports.StepName(step)))
		g, ok := byStep[step]
		if !ok || total(g.Summary) == 0 {
			c.text(labelW, y+15, 10, Start, grey, "no checks")
			continue
		}
		x := labelW
		for _, st := range Statuses {
			n := g.Summary.Count(st)
			if n == 0 {
				continue
			}
			w := barW * float64(n) / float64(max)
			c.rect(x, y+3, w, rowH-6, StatusColour[st], fmt.Sprintf("step %d: %d %s", step, n, st))
			x += w
		}
		c.text(x+4, y+15, 10, Start, ink, fmt.Sprint(total(g.Summary)))
	}
	var names, cols []string
	for _, st := range Statuses {
		names, cols = append(names, string(st)), append(cols, StatusColour[st])
	}
	legend(&c, 7*rowH+22, names, cols)
	return c
}

func total(s checks.Summary) int {
	return s.Pass + s.Fail + s.Missing + s.Declared + s.NotApplicable + s.Waived + s.Error
}

// Severities in display order.
var Severities = []string{"critical", "high", "medium", "low", "unknown"}

// VEXStates in display order ("" is "no VEX statement").
var VEXStates = []string{"affected", "under_investigation", "", "fixed", "not_affected"}

var vexColour = map[string]string{"affected": "#c62828", "under_investigation": "#ef6c00", "": "#616161",
	"fixed": "#2e7d32", "not_affected": "#1565c0"}

// VEXLabel names a VEX state for people.
func VEXLabel(s string) string {
	if s == "" {
		return "no VEX statement"
	}
	return s
}

// vexBucket folds a status OpenVEX does not define into "no VEX statement":
// it is not a usable statement, and the chart must still count the finding.
func vexBucket(s string) string {
	for _, v := range VEXStates {
		if s == v {
			return s
		}
	}
	return ""
}

// SeverityOf folds a finding's severity into the chart's buckets.
func SeverityOf(s string) string {
	switch s {
	case "critical", "high", "medium", "low":
		return s
	case "moderate":
		return "medium"
	}
	return "unknown"
}

// Vulns draws one stacked bar per severity, split by VEX status.
func Vulns(rows []reports.Vuln) Chart {
	counts := map[string]map[string]int{}
	max := 1
	for _, r := range rows {
		s := SeverityOf(r.Severity)
		if counts[s] == nil {
			counts[s] = map[string]int{}
		}
		counts[s][vexBucket(r.VEX)]++
	}
	for _, m := range counts {
		n := 0
		for _, v := range m {
			n += v
		}
		if n > max {
			max = n
		}
	}
	const labelW, barW, rowH = 80.0, 460.0, 22.0
	c := Chart{Label: "Vulnerabilities by severity and VEX status", Width: labelW + barW + 60, Height: float64(len(Severities))*rowH + 30}
	for i, sev := range Severities {
		y := float64(i) * rowH
		c.text(labelW-6, y+15, 11, End, ink, sev)
		x, n := labelW, 0
		for _, vs := range VEXStates {
			k := counts[sev][vs]
			if k == 0 {
				continue
			}
			w := barW * float64(k) / float64(max)
			c.rect(x, y+3, w, rowH-6, vexColour[vs], fmt.Sprintf("%s: %d %s", sev, k, VEXLabel(vs)))
			x += w
			n += k
		}
		c.text(x+4, y+15, 10, Start, ink, fmt.Sprint(n))
	}
	var names, cols []string
	for _, vs := range VEXStates {
		names, cols = append(names, VEXLabel(vs)), append(cols, vexColour[vs])
	}
	legend(&c, float64(len(Severities))*rowH+22, names, cols)
	return c
}

// MaxBatches is the most batches the timeline draws; the table lists all.
const MaxBatches = 48

// Support draws the support-period timeline: one bar per batch from the day
// it was placed on the market to its end of support, year ticks, and a line
// at the reference time.
func Support(s *reports.Support) Chart {
	const labelW, plotW = 90.0, 480.0
	batches := s.Batches
	more := 0
	if len(batches) > MaxBatches {
		batches, more = batches[:MaxBatches], len(batches)-MaxBatches
	}
	n := len(batches)
	// Rows shrink as batches grow so that the chart stays one page high.
	rowH := min(24.0, max(10.0, 480.0/float64(max(n, 1))))
	c := Chart{Label: "Support period per batch of units placed on the market", Width: labelW + plotW + 20, Height: float64(n)*rowH + 46}
	if n == 0 {
		return c
	}
	if more > 0 {
		c.Height += 14
	}
	first, last := batches[0].Start, batches[0].End
	for _, b := range batches {
		if b.Start.Before(first) {
			first = b.Start
		}
		if b.End.After(last) {
			last = b.End
		}
	}
	if !s.At.IsZero() && s.At.Before(first) {
		first = s.At
	}
	if s.At.After(last) {
		last = s.At
	}
	from := time.Date(first.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(last.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	span := to.Sub(from).Hours()
	xOf := func(t time.Time) float64 { return labelW + plotW*t.Sub(from).Hours()/span }
	bottom := float64(n) * rowH
	for y := from.Year(); y <= to.Year(); y++ {
		x := xOf(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
		c.line(x, 0, x, bottom, light)
		if y < to.Year() {
			c.text(x+2, bottom+14, 10, Start, grey, fmt.Sprint(y))
		}
	}
	for i, b := range batches {
		y := float64(i) * rowH
		fs := min(11, rowH-2)
		base := y + rowH/2 + fs*0.35
		c.text(labelW-6, base, fs, End, ink, b.ID)
		colour := "#1565c0"
		if b.Ended {
			colour = "#9e9e9e"
		}
		c.rect(xOf(b.Start), y+rowH*0.12, xOf(b.End)-xOf(b.Start), rowH*0.76, colour,
			fmt.Sprintf("%s: %s to %s", b.ID, b.Start.Format(time.DateOnly), b.End.Format(time.DateOnly)))
		c.text(xOf(b.End)-4, base, fs-1, End, "#ffffff", "until "+reports.MonthYear(b.End))
	}
	if more > 0 {
		c.text(labelW, bottom+42, 10, Start, grey, fmt.Sprintf("and %d later batches, listed in the table", more))
	}
	if !s.At.IsZero() {
		x := xOf(s.At)
		c.line(x, 0, x, bottom+2, "#c62828")
		c.text(x, bottom+28, 10, Middle, "#c62828", "reference time "+s.At.UTC().Format(time.DateOnly))
	}
	return c
}
