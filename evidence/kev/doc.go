// Package kev reads a catalogue of vulnerabilities known to be exploited in
// the wild, in the JSON format of CISA's Known Exploited Vulnerabilities
// (KEV) catalogue: a title, a catalogue version, a release time and a list
// of entries keyed by CVE ID.
//
// The catalogue is what lets craudit judge Annex I Part I (2)(a) ("without
// known exploitable vulnerabilities") on exploitation rather than on CVSS
// severity: `craudit bundle --kev FILE` pins the file into the bundle and
// vuln/known-exploitable looks every open finding up in it. Parse is strict
// about what the judgement needs (a release time, CVE IDs of the right
// shape, no duplicates) and bounded, since the file comes from outside.
package kev
