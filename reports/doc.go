// Package reports renders a checks.Report in the formats the design lists;
// each format lives in its own sub-package (sarif, junit, ...).
package reports
