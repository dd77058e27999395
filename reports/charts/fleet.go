package charts

import (
	"fmt"

	"github.com/craudit/craudit/evidence/fleet"
)

// Outcomes in display order, with their labels and colours.
var Outcomes = []string{fleet.OutcomeSuccess, fleet.OutcomeFailure, fleet.OutcomeRollback, fleet.OutcomeRefusedAttack}

var outcomeColour = map[string]string{fleet.OutcomeSuccess: "#2e7d32", fleet.OutcomeFailure: "#c62828",
	fleet.OutcomeRollback: "#ef6c00", fleet.OutcomeRefusedAttack: "#6a1b9a"}

// OutcomeCount is the number of attempts with an outcome.
func OutcomeCount(c fleet.Counts, outcome string) int {
	switch outcome {
	case fleet.OutcomeSuccess:
		return c.Success
	case fleet.OutcomeFailure:
		return c.Failure
	case fleet.OutcomeRollback:
		return c.Rollback
	case fleet.OutcomeRefusedAttack:
		return c.RefusedAttack
	}
	return 0
}

// MaxFleetReleases is the most releases the outcome chart draws; the
// table lists all.
const MaxFleetReleases = 24

// FleetOutcomes draws, per release in the snapshot, a bar of its update
// attempts split by outcome as shares (every bar full width, so rates
// compare across releases), labelled with the attempts and the units that
// run the release.
func FleetOutcomes(s *fleet.Status) Chart {
	rels := s.Releases
	more := 0
	if len(rels) > MaxFleetReleases {
		rels, more = rels[:MaxFleetReleases], len(rels)-MaxFleetReleases
	}
	const labelW, barW, rowH = 90.0, 360.0, 22.0
	n := float64(len(rels))
	c := Chart{Label: "Update outcomes per release, as shares of the attempts to install it", Width: labelW + barW + 170, Height: n*rowH + 30}
	for i, r := range rels {
		y := float64(i) * rowH
		c.text(labelW-6, y+15, 11, End, ink, r.Version)
		x := labelW
		if r.Attempts.Attempts == 0 {
			c.text(x, y+15, 10, Start, grey, "no attempt recorded")
		}
		for _, o := range Outcomes {
			k := OutcomeCount(r.Attempts, o)
			if k == 0 {
				continue
			}
			w := barW * float64(k) / float64(r.Attempts.Attempts)
			c.rect(x, y+3, w, rowH-6, outcomeColour[o], fmt.Sprintf("%s: %d %s of %d attempts (%.1f%%)", r.Version, k, o, r.Attempts.Attempts, fleet.Rate(k, r.Attempts.Attempts)))
			x += w
		}
		c.text(labelW+barW+6, y+15, 10, Start, ink, fmt.Sprintf("%d attempts, %d units", r.Attempts.Attempts, r.Units))
	}
	if more > 0 {
		c.Height += 14
		c.text(labelW, n*rowH+36, 10, Start, grey, fmt.Sprintf("and %d more releases, listed in the table", more))
	}
	cols := make([]string, len(Outcomes))
	for i, o := range Outcomes {
		cols[i] = outcomeColour[o]
	}
	legend(&c, n*rowH+22, Outcomes, cols)
	return c
}

// FleetSupport draws the registered units as one bar split into in
// support, past support and without a placed-on-market record, with the
// silent units as a second bar on the same scale.
func FleetSupport(s *fleet.Status) Chart {
	const labelW, barW, rowH = 110.0, 400.0, 22.0
	c := Chart{Label: "Registered units by support period, and silent units", Width: labelW + barW + 110, Height: 2*rowH + 30}
	whole := max(s.Units, 1)
	parts := []struct {
		name, colour string
		n            int
	}{{"in support", "#1565c0", s.Support.InSupport}, {"past support", "#9e9e9e", len(s.Support.PastSupport)}, {"unknown start", "#ef6c00", len(s.Support.UnknownStart)}}
	c.text(labelW-6, 15, 11, End, ink, "support")
	x := labelW
	for _, p := range parts {
		if p.n == 0 {
			continue
		}
		w := barW * float64(p.n) / float64(whole)
		c.rect(x, 3, w, rowH-6, p.colour, fmt.Sprintf("%d units %s", p.n, p.name))
		x += w
	}
	c.text(labelW+barW+6, 15, 10, Start, ink, fmt.Sprintf("%d units", s.Units))
	c.text(labelW-6, rowH+15, 11, End, ink, "silent")
	w := barW * float64(len(s.SilentUnits)) / float64(whole)
	c.rect(labelW, rowH+3, w, rowH-6, "#616161", fmt.Sprintf("%d units silent for more than %d days", len(s.SilentUnits), s.SilentDays))
	c.text(labelW+w+4, rowH+15, 10, Start, ink, fmt.Sprintf("%d silent > %d days", len(s.SilentUnits), s.SilentDays))
	legend(&c, 2*rowH+22, []string{"in support", "past support", "unknown start", "silent"}, []string{"#1565c0", "#9e9e9e", "#ef6c00", "#616161"})
	return c
}
