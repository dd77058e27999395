// Package layouttext renders one dossier in every layout (HTML, Markdown,
// and PDF through pdftotext when it is installed) and returns the text a
// reader sees in each, for the tests that compare the layouts with the
// document. Only external test packages import it: the renderers' own
// in-package tests would make an import cycle.
package layouttext
