// Command craudit turns a software-update release into evidence for the EU
// Cyber Resilience Act and judges it. This package only parses flags, wires
// library options and maps errors to exit codes: 0 passed, 1 ran and found
// noncompliance or a verification failure, 2 could not run.
package main
