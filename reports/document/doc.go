// Package document builds the dossier's Annex VII technical documentation
// once, as ordered sections of typed blocks (paragraph, gap, key-value list,
// table, list, chart ...) whose text is made of typed spans (code, link,
// status, evidence file ...). Every sentence a reader sees is written here;
// the layouts (reports/html, reports/pdf, reports/markdown) only lay the
// blocks out in their own style, so the three cannot say different things.
//
// Domain words come from mappings (ENISA step titles, CRA annex titles) and
// from reports (claims, risk rows, support period), never from a layout.
//
// This package holds the model, the shared span and word helpers and the
// core sections; Build takes the sections built by packages that import it
// (Annex VII points 1, 2 and 7, the paperwork list, the fleet status) as
// Parts. reports/dossierdoc assembles the whole document; layouts call it.
package document
