package reports

import (
	"testing"
)

// FuzzEvidenceReaders feeds arbitrary bytes to the report's own readers of
// evidence files (the SBOM summary; transcripts and attack results are read
// by their formats' own Parse, fuzzed there): none may panic, and what they
// return must be printable as it is.
func FuzzEvidenceReaders(f *testing.F) {
	f.Add([]byte(`{"specVersion":"1.6","components":[{"name":"a","components":[{"name":"b"}]}]}`))
	f.Add([]byte(`{"findings":[{"id":"CVE-1-2","package":{"purl":"pkg:apk/a/b@1?x=y"},"aliases":["X-1"]}]}`))
	f.Add([]byte(`{"results":[{"packages":[{"package":{"name":"n","version":"1"},"vulnerabilities":[{"id":"GHSA-x-y"}]}]}]}`))
	f.Add([]byte(`{"statements":[{"vulnerability":{"name":"CVE-1-2"},"products":[{"@id":"p","subcomponents":[{"@id":"s"}]}],"status":"fixed"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := summarizeSBOM(b); err == nil && s == nil {
			t.Fatal("no summary and no error")
		}
	})
}
