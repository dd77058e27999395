// Package formats is the one table of report formats: --format values and
// dossier files both come from it.
package formats
