// Package weakprimary is a small Uptane Primary for the attack tests,
// written over evidence/uptane (decoding, keys, threshold signatures) and
// the verifier's bounded transport. It speaks the uptane-client protocol
// (docs/uptane.md: init, update) and does full verification
// (Uptane Standard 2.1, 5.4.4.2) of both repositories, unless a Weakness
// switches one control off. The mains below it pick the weakness:
// nocrosscheck (never compares the Director's length and hashes with the
// Image repository's, and installs by the Director's; it still finds the
// image there and matches hardware IDs and counters), nocounter (ignores
// release counters) and full (none; the control group).
package weakprimary
