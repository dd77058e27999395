// Package attackrun is the format of the attack harness's results
// (live/attack-results.json): for one run of an updater against the
// hostile-repository scenarios of one client protocol (Run), every
// scenario's verdict; a file holds one run or a Set of runs (one per
// protocol).
//
// checks/attack writes runs; checks/attackcheck judges them and reports
// renders them, both from the runs Parse returns. Parse is the one reader of
// the format. It still reads the files written before the set shape: one run
// object, or a bare JSON list of runs.
package attackrun
