// Package dossierdoc assembles the dossier's document: it builds Annex VII
// points 1 (the product, its versions, user information) and 2 (design,
// vulnerability handling, update solution, production), the list of
// enclosed CRA paperwork and the fleet status section, takes point 7 from
// reports/conformity, and hands them to reports/document's Build, which
// adds its core sections. The layouts (reports/html, reports/markdown,
// reports/pdf) lay out the one document Build returns.
package dossierdoc
