// Package paperwork drafts the CRA paperwork from the same verified
// evidence the dossier shows: the Art. 14 notification drafts (early
// warning, notification, final report, for an actively exploited
// vulnerability or a severe incident), the EU declaration of conformity
// (Annex V, Annex VI) and the Annex II information for users. Nothing is
// sent anywhere; what the evidence cannot say is left for the manufacturer
// to complete, never invented.
package paperwork
