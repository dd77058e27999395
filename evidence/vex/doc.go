// Package vex applies VEX statements (OpenVEX, parsed with go-vex; CSAF VEX,
// read by csafvex) to a
// scan's findings and builds the release's vulnerability table: ID,
// aliases, severity, component, fixed version, VEX status and
// justification. Statements are matched to SBOM components by normalised
// package URL; a statement that matches nothing is reported as unmatched,
// a not_affected statement without justification is reported as invalid
// and suppresses nothing, and under_investigation stays open.
package vex
