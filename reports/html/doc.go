// Package html renders the dossier's index.html: one self-contained page
// (inline CSS and SVG, no external fetches) that reads well on screen and on
// paper. Every claim links the evidence file it rests on, with its SHA-256.
package html
