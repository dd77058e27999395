// Package attackcheck judges attack-simulation results (live/attack-results.json,
// written by `craudit attack`) as evidence for ENISA lifecycle steps 3 to 5:
// one check per step, one finding per scenario. A vulnerable scenario or a
// refused valid update fails the step; an inconclusive one leaves it
// unjudged (error); no results at all is missing evidence.
package attackcheck
