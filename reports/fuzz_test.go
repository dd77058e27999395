package reports

import (
	"testing"
)

// FuzzEvidenceReaders feeds arbitrary bytes to the report's own readers of
// evidence files (transcript, attack results; the SBOM is decoded by
// evidence/sbom, fuzzed there): none
// may panic, and what they return must be printable as it is.
func FuzzEvidenceReaders(f *testing.F) {
	f.Add([]byte(`{"specVersion":"1.6","components":[{"name":"a","components":[{"name":"b"}]}]}`))
	f.Add([]byte(`{"findings":[{"id":"CVE-1-2","package":{"purl":"pkg:apk/a/b@1?x=y"},"aliases":["X-1"]}]}`))
	f.Add([]byte(`{"results":[{"packages":[{"package":{"name":"n","version":"1"},"vulnerabilities":[{"id":"GHSA-x-y"}]}]}]}`))
	f.Add([]byte(`{"statements":[{"vulnerability":{"name":"CVE-1-2"},"products":[{"@id":"p","subcomponents":[{"@id":"s"}]}],"status":"fixed"}]}`))
	f.Add([]byte(`{"repository":"https://127.0.0.1:1/x","steps":[{"id":"a","detail":"localhost:99"}],"failure":{"step":"a"}}`))
	f.Add([]byte(`{"client":"/a/b c","scenarios":[{"id":"x","verdict":"pass"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if tr, err := parseTranscript(b); err == nil && loopbackPort.MatchString(tr.Repository) {
			t.Fatalf("a loopback port survived: %q", tr.Repository)
		}
		parseAttackSet(b)
		parseTranscripts(b)
	})
}
