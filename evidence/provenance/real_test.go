package provenance

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/fixtures/shared"
)

// liveTrustedRoot extracts the production Sigstore trusted_root.json, a TUF
// target of the packed sigstore root-signing repository.
func liveTrustedRoot(t testing.TB) *root.TrustedRoot {
	t.Helper()
	f, err := os.Open(shared.Testdata(t, "tuf", "sigstore-root-signing-live.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(h.Name, "sigstore-root-signing-live/targets/") && strings.HasSuffix(h.Name, ".trusted_root.json") {
			b, err := io.ReadAll(io.LimitReader(tr, MaxTrustedRoot))
			if err != nil {
				t.Fatal(err)
			}
			r, err := root.NewTrustedRootFromJSON(b)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	t.Fatal("no trusted_root.json target in the archive")
	return nil
}

func artefactOf(t *testing.T, path string) Artefact {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s2, s5 := sha256.Sum256(b), sha512.Sum512(b)
	return Artefact{Name: filepath.Base(path), SHA256: hex.EncodeToString(s2[:]), SHA512: hex.EncodeToString(s5[:])}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRealProvenance(t *testing.T) {
	dir := shared.Testdata(t, "provenance")
	live := liveTrustedRoot(t)
	at := time.Date(2026, 8, 21, 19, 30, 0, 0, time.UTC)
	sha := func(h string) Artefact { return Artefact{Name: "artefact", SHA256: h} }
	tests := []struct {
		name      string
		file      string
		artefact  Artefact
		artefactF string // a file to hash instead
		root      string // "live", "custom:<path>", "" for none
		key       string
		builder   string
		source    string
		stmt      string
		pred      string
		detail    string // expected in the signature's detail
		want      map[string]State
	}{
		{name: "delegator sigstore v0.2 SLSA v1", file: "slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
			artefactF: "slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch", root: "live",
			builder: "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0",
			source:  "github.com/slsa-framework/example-package", stmt: StatementV01, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Verified, PropPredicate: Verified, PropSubject: Verified, PropBuilder: Verified, PropSource: Verified}},
		{name: "generic jsonl sigstore v0.3 SLSA v0.2", file: "slsa-verifier/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
			artefact: sha("376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"), root: "live",
			builder: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0",
			source:  "https://github.com/slsa-framework/example-package", stmt: StatementV01, pred: PredicateSLSAV02,
			want: map[string]State{PropSignature: Verified, PropPredicate: Verified, PropSubject: Verified, PropBuilder: Verified, PropSource: Verified}},
		{name: "bcr attestation Statement v1 SLSA v1", file: "slsa-verifier/bcr/MODULE.bazel.intoto.jsonl",
			artefact: sha("06ce330900a7d6403bc8d88e5dfad6aeeb8ae40179f66bb89e69c8bf6f6b1a0b"), root: "live",
			source: "github.com/aspect-build/rules_lint", stmt: StatementV1, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Verified, PropPredicate: Verified, PropSubject: Verified, PropBuilder: NotChecked, PropSource: Verified}},
		{name: "wrong builder", file: "slsa-verifier/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl",
			artefact: sha("376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa"), root: "live",
			builder: "https://github.com/evil/builder", source: "github.com/evil/repo", stmt: StatementV01, pred: PredicateSLSAV02,
			want: map[string]State{PropSignature: Verified, PropSubject: Verified, PropBuilder: Failed, PropSource: Failed}},
		{name: "wrong artefact", file: "slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
			artefact: sha(strings.Repeat("ab", 32)), root: "live", stmt: StatementV01, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Verified, PropSubject: Failed}},
		{name: "no trusted root", file: "slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa",
			artefactF: "slsa-verifier/gha_delegator-v2.1.0/binary-linux-amd64-workflow_dispatch", stmt: StatementV01, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Unverified, PropSubject: Verified}},
		{name: "multi-subject bare DSSE with cert", file: "slsa-verifier/multi-subject/binary-linux-amd64-multi-subject-first.intoto.jsonl",
			artefactF: "slsa-verifier/multi-subject/binary-linux-amd64-multi-subject-first", root: "live", stmt: StatementV01, pred: PredicateSLSAV02,
			detail: "matches the certificate in the envelope",
			want:   map[string]State{PropSignature: Unverified, PropPredicate: Verified, PropSubject: Verified}},
		{name: "conformance DSSE v0.3", file: "sigstore-conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
			artefactF: "sigstore-conformance/a.txt", root: "live", stmt: StatementV1, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Verified, PropPredicate: Verified, PropSubject: Verified}},
		{name: "conformance custom root", file: "sigstore-conformance/intoto-with-custom-trust-root/bundle.sigstore.json",
			artefactF: "sigstore-conformance/intoto-with-custom-trust-root/artifact", root: "custom:sigstore-conformance/intoto-with-custom-trust-root/trusted_root.json",
			stmt: StatementV1, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Verified, PropPredicate: Verified, PropSubject: Verified}},
		{name: "conformance custom root, live root given", file: "sigstore-conformance/intoto-with-custom-trust-root/bundle.sigstore.json",
			artefactF: "sigstore-conformance/intoto-with-custom-trust-root/artifact", root: "live", stmt: StatementV1, pred: PredicateSLSAV1,
			want: map[string]State{PropSignature: Failed, PropSubject: Verified}},
		{name: "conformance expired certificate", file: "sigstore-conformance/intoto-expired-certificate_fail/bundle.sigstore.json",
			artefactF: "sigstore-conformance/intoto-expired-certificate_fail/artifact", root: "custom:sigstore-conformance/intoto-expired-certificate_fail/trusted_root.json",
			want: map[string]State{PropSignature: Failed}},
		{name: "message signature is not provenance", file: "sigstore-conformance/happy-path-v0.3/bundle.sigstore.json",
			artefactF: "sigstore-conformance/a.txt", root: "live",
			want: map[string]State{PropSignature: Verified, PropPredicate: Failed}},
		{name: "managed key", file: "sigstore-conformance/managed-key-happy-path/bundle.sigstore.json",
			artefactF: "sigstore-conformance/a.txt", root: "live", key: "sigstore-conformance/managed-key-happy-path/key.pub",
			want: map[string]State{PropSignature: Verified, PropPredicate: Failed}},
		{name: "managed key without key", file: "sigstore-conformance/managed-key-happy-path/bundle.sigstore.json",
			artefactF: "sigstore-conformance/a.txt", root: "live",
			want: map[string]State{PropSignature: Unverified}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := VerifyOptions{BuilderID: tc.builder, SourceURI: tc.source, At: at}
			switch {
			case tc.root == "live":
				o.TrustedRoot = live
			case strings.HasPrefix(tc.root, "custom:"):
				r, err := LoadTrustedRoot(filepath.Join(dir, strings.TrimPrefix(tc.root, "custom:")))
				if err != nil {
					t.Fatal(err)
				}
				o.TrustedRoot = r
			}
			if tc.key != "" {
				k, err := keys.LoadPublic(filepath.Join(dir, tc.key))
				if err != nil {
					t.Fatal(err)
				}
				o.Keys = []*keys.PublicKey{k}
			}
			if tc.artefactF != "" {
				o.Artefacts = []Artefact{artefactOf(t, filepath.Join(dir, tc.artefactF))}
			} else {
				o.Artefacts = []Artefact{tc.artefact}
			}
			res, err := Verify(read(t, filepath.Join(dir, tc.file)), o)
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tc.want {
				if got := res.Prop(name); got.State != want {
					t.Errorf("%s = %s (%s), want %s", name, got.State, got.Detail, want)
				}
			}
			if tc.detail != "" && !strings.Contains(res.Prop(PropSignature).Detail, tc.detail) {
				t.Errorf("signature detail %q lacks %q", res.Prop(PropSignature).Detail, tc.detail)
			}
			if tc.stmt != "" {
				a := res.Attestations[0]
				if a.StatementType != tc.stmt || a.PredicateType != tc.pred {
					t.Errorf("statement %s / %s, want %s / %s", a.StatementType, a.PredicateType, tc.stmt, tc.pred)
				}
			}
			allOK := true
			for _, w := range tc.want {
				allOK = allOK && (w == Verified || w == NotChecked)
			}
			if res.Verified() != allOK {
				t.Errorf("Verified() = %v, want %v: %+v", res.Verified(), allOK, res.Properties)
			}
		})
	}
}

func TestCheckImport(t *testing.T) {
	dir := shared.Testdata(t, "provenance")
	live := liveTrustedRoot(t)
	custom, err := LoadTrustedRoot(filepath.Join(dir, "sigstore-conformance/intoto-with-custom-trust-root/trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	gen := read(t, filepath.Join(dir, "slsa-verifier/gha_generic-v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl"))
	if err := CheckImport(gen, live); err != nil {
		t.Errorf("real provenance refused with the right root: %v", err)
	}
	if err := CheckImport(gen, custom); err == nil {
		t.Error("real provenance accepted with an unrelated root")
	}
	if err := CheckImport(gen, nil); err != nil {
		t.Errorf("without a root only syntax is checked: %v", err)
	}
	// Bare DSSE envelopes are left to the checks.
	if err := CheckImport(read(t, filepath.Join(dir, "slsa-verifier/multi-subject/binary-linux-amd64-multi-subject-first.intoto.jsonl")), live); err != nil {
		t.Errorf("bare DSSE refused: %v", err)
	}
	if err := CheckImport([]byte("{"), nil); err == nil {
		t.Error("junk accepted")
	}
}
