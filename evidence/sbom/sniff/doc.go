// Package sniff tells the format of a JSON SBOM from its top-level keys,
// skipping their values without decoding them: a large SBOM is then decoded
// once, by the decoder of its format, instead of once more to find out which
// decoder that is. It validates nothing and answers Unsure whenever it
// cannot be certain of what encoding/json would make of the keys; the caller
// (evidence/sbom) then decodes the keys to decide.
package sniff
