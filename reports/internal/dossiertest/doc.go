// Package dossiertest builds report data for the renderers' tests and
// benchmarks: a real signed minibundle with hand-made evidence of every kind
// a dossier shows (SBOM, scan results, the demo's OpenVEX, a verifier
// transcript, attack results, declarations), judged by real checks plus a
// few fixed-outcome checks that stand in for areas not on this branch.
package dossiertest
