package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/provenance"
	"github.com/craudit/craudit/fixtures/shared"
)

// provExec runs the CLI in-process and returns its exit code and stdout.
func provExec(t *testing.T, args ...string) (int, string) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0, out.String()
	}
	var ee *cli.ExitError
	if errors.As(err, &ee) {
		return ee.Code, out.String()
	}
	return 2, out.String()
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// editPayload rewrites the statement inside one DSSE envelope or Sigstore bundle.
func editPayload(t *testing.T, doc []byte, old, new string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	env := m
	if de, ok := m["dsseEnvelope"].(map[string]any); ok {
		env = de
	}
	p, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
	if !bytes.Contains(p, []byte(old)) {
		t.Fatalf("payload has no %q", old)
	}
	env["payload"] = base64.StdEncoding.EncodeToString(bytes.Replace(p, []byte(old), []byte(new), 1))
	b, _ := json.Marshal(m)
	return b
}

func TestProvenanceVerifyOwnKey(t *testing.T) {
	dir := t.TempDir()
	signer, err := keys.FromSeed(keys.ECDSAP256, []byte("cmd-provenance-test"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := keys.FromSeed(keys.ECDSAP256, []byte("cmd-provenance-test/other"))
	fw := []byte("firmware image\n")
	h := sha256.Sum256(fw)
	digest := hex.EncodeToString(h[:])
	stmt, err := provenance.NewStatement(provenance.StatementOptions{
		Subjects:  []provenance.Subject{{Name: "fw.bin", Digest: map[string]string{"sha256": digest}}},
		Materials: []provenance.Material{{URI: "git+https://git.example/fw@refs/tags/v1", Digest: map[string]string{"gitCommit": strings.Repeat("a", 40)}}},
		BuilderID: "https://ci.example/builder", BuildType: "https://ci.example/type",
	})
	if err != nil {
		t.Fatal(err)
	}
	env, err := provenance.SignEnvelope(stmt, signer)
	if err != nil {
		t.Fatal(err)
	}
	art := writeFile(t, dir, "fw.bin", fw)
	prov := writeFile(t, dir, "fw.intoto.jsonl", env)
	pub := writeFile(t, dir, "build.pub", signer.Public().MarshalPEM())
	otherPub := writeFile(t, dir, "other.pub", other.Public().MarshalPEM())
	changedArt := writeFile(t, dir, "fw-changed.bin", []byte("firmware image!\n"))
	changedSubject := writeFile(t, dir, "subject.intoto.jsonl", editPayload(t, bytes.TrimSpace(env), digest, strings.Repeat("0", 64)))
	changedByte := writeFile(t, dir, "byte.intoto.jsonl", editPayload(t, bytes.TrimSpace(env), "ci.example/builder", "ci.example/buildex"))
	broken := writeFile(t, dir, "broken.intoto.jsonl", env[:len(env)/2])
	base := []string{"provenance", "verify", "--reference-time", "2026-11-24T00:00:00Z"}
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"verified", []string{"--artefact", art, "--provenance", prov, "--key", pub, "--builder-id", "https://ci.example/builder", "--source-uri", "git.example/fw"}, 0, "result  VERIFIED"},
		{"json", []string{"--artefact", art, "--provenance", prov, "--key", pub, "--format", "json"}, 0, `"verified": true`},
		{"no trust material", []string{"--artefact", art, "--provenance", prov}, 1, "NOT VERIFIED"},
		{"other key", []string{"--artefact", art, "--provenance", prov, "--key", otherPub}, 1, "signature  failed"},
		{"changed artefact", []string{"--artefact", changedArt, "--provenance", prov, "--key", pub}, 1, "subject    failed"},
		{"changed subject", []string{"--artefact", art, "--provenance", changedSubject, "--key", pub}, 1, "signature  failed"},
		{"changed payload byte", []string{"--artefact", art, "--provenance", changedByte, "--key", pub}, 1, "signature  failed"},
		{"truncated file", []string{"--artefact", art, "--provenance", broken, "--key", pub}, 1, "problem"},
		{"wrong builder", []string{"--artefact", art, "--provenance", prov, "--key", pub, "--builder-id", "https://evil.example"}, 1, "builder    failed"},
		{"missing artefact", []string{"--artefact", filepath.Join(dir, "absent"), "--provenance", prov, "--key", pub}, 2, ""},
		{"missing provenance", []string{"--artefact", art, "--provenance", filepath.Join(dir, "absent"), "--key", pub}, 2, ""},
		{"bad key file", []string{"--artefact", art, "--provenance", prov, "--key", prov}, 2, ""},
		{"bad trusted root", []string{"--artefact", art, "--provenance", prov, "--trusted-root", prov}, 2, ""},
		{"bad format", []string{"--artefact", art, "--provenance", prov, "--format", "xml"}, 2, ""},
		{"bad time", []string{"--artefact", art, "--provenance", prov, "--reference-time", "yesterday"}, 2, ""},
		{"no artefact flag", []string{"--provenance", prov}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := provExec(t, append(append([]string{}, base...), tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if tc.out != "" && !strings.Contains(out, tc.out) {
				t.Errorf("output lacks %q:\n%s", tc.out, out)
			}
		})
	}
}

// TestProvenanceVerifyReal: real slsa-github-generator provenance (a Sigstore
// bundle) verifies offline against the production trusted root; a changed
// subject digest or artefact is exit 1.
func TestProvenanceVerifyReal(t *testing.T) {
	src := shared.Testdata(t, "provenance", "slsa-verifier", "gha_delegator-v2.1.0")
	tarPath := shared.Testdata(t, "tuf", "sigstore-root-signing-live.tar.gz")
	dir := t.TempDir()
	tr := writeFile(t, dir, "trusted_root.json", trustedRootFromTar(t, tarPath))
	art := filepath.Join(src, "binary-linux-amd64-workflow_dispatch")
	prov := filepath.Join(src, "binary-linux-amd64-workflow_dispatch.build.slsa")
	orig, err := os.ReadFile(prov)
	if err != nil {
		t.Fatal(err)
	}
	const subject = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	changed := writeFile(t, dir, "changed.build.slsa", editPayload(t, orig, subject, "0"+subject[1:]))
	otherArt := writeFile(t, dir, "hello", []byte("hello!\n"))
	builder := "https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0"
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"verified", []string{"--artefact", art, "--provenance", prov, "--trusted-root", tr, "--builder-id", builder, "--source-uri", "github.com/slsa-framework/example-package"}, 0},
		{"changed subject", []string{"--artefact", art, "--provenance", changed, "--trusted-root", tr}, 1},
		{"other artefact", []string{"--artefact", otherArt, "--provenance", prov, "--trusted-root", tr}, 1},
		{"no trusted root", []string{"--artefact", art, "--provenance", prov}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out := provExec(t, append([]string{"provenance", "verify"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, out)
			}
		})
	}
}

func trustedRootFromTar(t *testing.T, p string) []byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := tar.NewReader(gz)
	for {
		h, err := r.Next()
		if err != nil {
			t.Fatalf("no trusted_root.json target: %v", err)
		}
		if strings.Contains(h.Name, "/targets/") && strings.HasSuffix(h.Name, ".trusted_root.json") {
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}
