// Package jsonreport renders results.json: the stable, documented machine
// form of a judgement (schema in docs/results-json.md).
package jsonreport
