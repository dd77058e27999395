// Package oscal exports the judgement as an OSCAL assessment-results
// document (results.oscal.json, OSCAL 1.1.3 through go-oscal's types): one
// observation per check, one finding per failing check or failing finding.
// Every UUID is derived from a stable ID (UUIDv5 over a craudit name), never
// drawn at random, so the same judgement gives the same bytes.
package oscal
