// Package conformity renders the EU declaration of conformity (CRA Art. 28,
// Annex V, and the simplified form of Annex VI) as a reports/document
// Document, from product.yaml and release.yaml of a verified bundle, and the
// same declaration as the body of the dossier's Annex VII point 7. A field
// product.yaml lacks is shown as MissingMark, never filled in.
package conformity
