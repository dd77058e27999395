// Package reports renders a judged release. Every format is one Renderer in
// its own sub-package, picked from the table in reports/formats; all of them
// read the same Data, collected once from the verified evidence and the
// check results, so no format can say something the others do not. The
// dossier's Annex VII document is built once from Data by reports/document;
// the HTML, PDF and Markdown renderers only lay its blocks out.
package reports
