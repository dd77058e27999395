// Package mappings holds the requirement catalogues craudit maps its checks
// to: the ENISA secure update advisory (steps, trust domains, delivery models,
// recommendations), the Cyber Resilience Act (Annex I Parts I and II, Annex
// II, Annex VII, Articles 13 and 14), BSI TR-03183-2, the NTIA minimum
// elements, the draft ETSI EN 304 621 update requirements and STRIDE.
//
// Each catalogue is a YAML file embedded in the binary, with its edition and
// source. Extending a catalogue (for example when the final ENISA advisory
// names the recommendations not known today) is a change to the YAML only.
//
// The package does not import checks: it answers lookups by ID, and callers
// join checks to entries themselves.
package mappings
