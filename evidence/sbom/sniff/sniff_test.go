package sniff

import (
	"bytes"
	"testing"
)

// JSON tells the format sbom.Decode's probe would, or is unsure.
func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Format
	}{
		{`{"bomFormat":"CycloneDX","components":[{"name":"a\"}b","x":[1,{"y":"]"}]}]}`, CycloneDX},
		{" \n{ \"spdxVersion\" : \"SPDX-2.3\" , \"n\": -1.5e3 }\n", SPDX},
		{`{"bomformat":"x","spdxVersion":"SPDX-2.3"}`, CycloneDX},             // keys match without case; CycloneDX first
		{`{"bomFormat":"x","bomFormat":null,"spdxVersion":"SPDX-2.3"}`, SPDX}, // the last duplicate wins; null is absent
		{`{"bomFormat":null}`, Unsure},
		{`{"bomFormat":1}`, Unsure},                // the probe fails on it: so must Decode
		{`{"bom\u0046ormat":"CycloneDX"}`, Unsure}, // escaped key
		{`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`, Unsure},
		{`{"bomFormat":"CycloneDX"} {}`, Unsure}, // data after the document
		{`{"bomFormat":"CycloneDX"`, Unsure},
		{`{"a":"unterminated}`, Unsure},
		{`[]`, Unsure},
		{`{}`, Unsure},
		{``, Unsure},
	} {
		if got := JSON([]byte(tc.in)); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
		}
	}
}

// FuzzJSON: any input gets an answer, without a panic; an answer other than
// Unsure needs an object.
func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","components":[{"name":"a\\"}"}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","x":[1,{"y":"]"}]}`))
	f.Add([]byte(`{"a":`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got := JSON(b); got != Unsure && !bytes.Contains(b, []byte("{")) {
			t.Fatalf("%v for %q", got, b)
		}
	})
}
