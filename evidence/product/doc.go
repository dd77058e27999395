// Package product reads the manufacturer's own descriptions of what is being
// judged: product.yaml (the product, its manufacturer and support period),
// release.yaml (the release the manifest describes) and answers.yaml
// (declarations for controls that no tool can observe).
//
// All three are untrusted input: decoding is strict (unknown keys are errors),
// size-bounded, and alias expansion is bounded by the YAML library.
package product
