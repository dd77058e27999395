package transcript_test

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/transcript"
)

func TestAttestationSubjects(t *testing.T) {
	k, _ := keys.Generate(keys.ECDSAP256)
	leaf := strings.Repeat("0f", 32)
	bound := edit(t, func(r *transcript.Run) {
		r.Repository = "https://updates.thermo-demo.example/st100"
		r.Contacted = &transcript.Endpoint{Address: "127.0.0.1:8443", Resolve: "updates.thermo-demo.example:443:127.0.0.1", TLSLeafSHA256: leaf}
	})
	for _, tc := range []struct {
		doc        []byte
		name, hash string
	}{
		{bound, "https://updates.thermo-demo.example/st100", leaf},
		{edit(t, func(r *transcript.Run) { r.Repository = "http://x.example"; r.Contacted = nil }), transcript.NoTLSPrefix + "http://x.example", attest.TextDigest("http://x.example")["sha256"]},
	} {
		signed, err := transcript.Sign(tc.doc, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		f, err := transcript.ReadFile(signed)
		if err != nil || !f.Signed() {
			t.Fatalf("ReadFile: %v", err)
		}
		if s := f.Attestation.Statement.Subject; len(s) != 1 || s[0].Name != tc.name || s[0].Digest["sha256"] != tc.hash {
			t.Errorf("subjects %+v, want %s %s", s, tc.name, tc.hash)
		}
		if f.Attestation.Statement.PredicateType != transcript.PredicateType {
			t.Errorf("predicate type %s", f.Attestation.Statement.PredicateType)
		}
	}
	// A sequence of runs (the set shape) binds every run.
	set := demoSet(t)
	signed, err := transcript.Sign(set, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := transcript.ReadFile(signed)
	runs, _ := transcript.Parse(set)
	if err != nil || len(f.Runs) != len(runs) || len(f.Attestation.Statement.Subject) == 0 {
		t.Errorf("set: %v", err)
	}
}
