package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

// tamperPayload rewrites the statement inside a DSSE envelope or Sigstore
// bundle (one JSON document) with edit applied to the decoded payload.
func tamperPayload(t *testing.T, doc []byte, edit func(string) string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	env := m
	if de, ok := m["dsseEnvelope"].(map[string]any); ok {
		env = de
	}
	p, err := base64.StdEncoding.DecodeString(env["payload"].(string))
	if err != nil {
		t.Fatal(err)
	}
	q := edit(string(p))
	if q == string(p) {
		t.Fatal("edit changed nothing")
	}
	env["payload"] = base64.StdEncoding.EncodeToString([]byte(q))
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRealTamperedRejected: a changed subject digest or payload byte in a
// real attestation never verifies.
func TestRealTamperedRejected(t *testing.T) {
	dir := shared.Testdata(t, "provenance")
	live := liveTrustedRoot(t)
	cases := []struct {
		file, artefact string
	}{
		{"slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa", "slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch"},
		{"slsa-verifier/bcr/MODULE.bazel.intoto.jsonl", ""},
		{"sigstore-conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json", "sigstore-conformance/a.txt"},
		{"slsa-verifier/multi-subject/binary-linux-amd64-multi-subject-first.intoto.jsonl", "slsa-verifier/multi-subject/binary-linux-amd64-multi-subject-first"},
	}
	for _, c := range cases {
		orig := bytes.TrimSpace(read(t, filepath.Join(dir, c.file)))
		o := VerifyOptions{TrustedRoot: live}
		if c.artefact != "" {
			o.Artefacts = []Artefact{artefactOf(t, filepath.Join(dir, c.artefact))}
		}
		res, err := Verify(orig, o)
		if err != nil {
			t.Fatal(err)
		}
		sub := res.Attestations[0].Subjects[0].Digest["sha256"]
		edits := map[string]func(string) string{
			"subject digest": func(s string) string {
				return strings.Replace(s, sub, flipHex(sub), 1)
			},
			"one payload byte": func(s string) string {
				return strings.Replace(s, "https://", "hxtps://", 1)
			},
			"predicate key": func(s string) string {
				return strings.Replace(s, `"predicate"`, `"Predicate"`, 1)
			},
		}
		for name, edit := range edits {
			t.Run(filepath.Base(c.file)+"/"+name, func(t *testing.T) {
				bad := tamperPayload(t, orig, edit)
				res, err := Verify(bad, o)
				if err != nil {
					// Unreadable after tampering: the command reports it as
					// a verification failure too.
					var pe *ParseError
					if !errors.As(err, &pe) || !errors.Is(err, ErrMalformed) {
						t.Fatalf("error %v is not a typed parse error", err)
					}
					return
				}
				if res.Verified() {
					t.Fatalf("tampered attestation verified: %+v", res.Properties)
				}
				if sig := res.Prop(PropSignature); sig.State == Verified {
					t.Errorf("signature verified after tampering: %s", sig.Detail)
				}
				// Where the signer is known (the envelope carries its
				// certificate) tampering is a failure, not just "unverified".
				if sig := res.Prop(PropSignature); sig.State != Failed {
					t.Errorf("signature = %s (%s), want failed", sig.State, sig.Detail)
				}
			})
		}
	}
}

func flipHex(s string) string {
	b := []byte(s)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

// TestRealStatementsParse: the unsigned reference example and every real
// attestation decode to the expected types.
func TestRealStatementsParse(t *testing.T) {
	dir := shared.Testdata(t, "provenance")
	atts, err := Parse(read(t, filepath.Join(dir, "slsa-spec", "github-actions-buildtypes-workflow-v1-example.json")))
	if err != nil {
		t.Fatal(err)
	}
	s := atts[0].Statement
	if atts[0].Kind != KindStatement || s.Type != StatementV1 || s.PredicateType != PredicateSLSAV1 || s.BuilderID == "" || len(s.Materials) == 0 {
		t.Errorf("reference example decoded as %+v", s)
	}
	res := VerifyAttestations(atts, VerifyOptions{})
	if res.Prop(PropSignature).State != Failed || res.Verified() {
		t.Errorf("an unsigned statement must not verify: %+v", res.Properties)
	}
}

// TestRealStrippedLogEntryRejected: removing the transparency-log entry from
// a public-good bundle that also carries a timestamp does not lower the bar.
func TestRealStrippedLogEntryRejected(t *testing.T) {
	dir := shared.Testdata(t, "provenance")
	live := liveTrustedRoot(t)
	doc := bytes.TrimSpace(read(t, filepath.Join(dir, "slsa-verifier/bcr/MODULE.bazel.intoto.jsonl")))
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	vm := m["verificationMaterial"].(map[string]any)
	if _, ok := vm["timestampVerificationData"]; !ok {
		t.Fatal("test bundle carries no timestamp")
	}
	delete(vm, "tlogEntries")
	stripped, _ := json.Marshal(m)
	res, err := Verify(stripped, VerifyOptions{TrustedRoot: live})
	if err != nil {
		t.Logf("refused as malformed: %v", err)
		return
	}
	if res.Prop(PropSignature).State != Failed {
		t.Errorf("stripped bundle: %+v", res.Prop(PropSignature))
	}
}
