// Package csafvex is craudit's model of a CSAF 2.0 document (the parts the
// security-advisory and VEX profiles use), its validation (the OASIS JSON
// schema through gocsaf, plus the mandatory tests of section 6.1 that apply
// to these profiles) and the strict, bounded reader that turns a csaf_vex
// document into VEX statements with their justifications, impact
// statements, action statements and product IDs kept.
package csafvex
