// Package plan is the vocabulary shared by the attack harness
// (checks/attack) and the scenario builders (checks/attack/tufattack,
// checks/attack/manifestattack): what one scenario serves in each phase of a
// run (a Plan of two repository States, with the paths a hostile server
// misbehaves on) and the contents every run shares (Env).
//
// The harness serves a Plan and judges the client by it; a builder only
// makes Plans. Neither side knows how the other works.
package plan
