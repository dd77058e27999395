// Package pdf renders dossier.pdf in pure Go with fpdf: the same Annex VII
// structure as index.html, with a table of contents, page numbers, PDF
// bookmarks and the charts of reports/charts drawn as vector shapes.
//
// Text is set in the Go fonts (golang.org/x/image/font/gofont), embedded as
// TTF bytes, because fpdf's core fonts cannot encode UTF-8. The output is
// byte-identical for the same data: creation and modification dates are the
// report's reference time and fpdf's catalogues are sorted.
package pdf
