package provcheck

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/provenance"
	"github.com/craudit/craudit/fixtures/shared"
)

var at = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func key(t *testing.T, seed string) *keys.PrivateKey {
	t.Helper()
	k, err := keys.FromSeed(keys.ECDSAP256, []byte("provcheck-test/"+seed))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func hexSHA256(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// spec describes a test bundle; zero values give a good one.
type spec struct {
	artefact      []byte // artefacts/fw.bin
	buildFor      []byte // bytes the build provenance names (default: artefact)
	buildSigner   *keys.PrivateKey
	noBuild       bool
	buildMaterial bool // default: has materials; set to skip
	stepSigner    *keys.PrivateKey
	imported      map[string][]byte // extra provenance files
	sigstoreRoot  []byte
}

// makeInput writes a real signed bundle and opens it as checks do.
func makeInput(t *testing.T, s spec, policy *checks.Policy) *checks.Input {
	t.Helper()
	root := key(t, "root")
	if s.artefact == nil {
		s.artefact = []byte("thermostat firmware 1.0.1\n")
	}
	if s.buildFor == nil {
		s.buildFor = s.artefact
	}
	if s.buildSigner == nil {
		s.buildSigner = root
	}
	if s.stepSigner == nil {
		s.stepSigner = root
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	add := func(p, role string, b []byte) bundle.Item {
		it, err := w.AddBytes(p, role, "application/octet-stream", b)
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	add(bundle.SignerKey, bundle.RoleSignerKey, root.Public().MarshalPEM())
	art := add("artefacts/fw.bin", bundle.RoleArtefact, s.artefact)
	notes := add("evidence/build-notes.txt", bundle.RoleDeclEvidence, []byte("built on the release runner\n"))
	if !s.noBuild {
		so := provenance.StatementOptions{
			Subjects:  []provenance.Subject{{Name: "fw.bin", Digest: map[string]string{"sha256": hexSHA256(s.buildFor)}}},
			BuilderID: "https://ci.example/builders/release@v2", BuildType: "https://ci.example/buildtypes/make/v1",
		}
		if !s.buildMaterial {
			so.Materials = []provenance.Material{{URI: "git+https://git.example/thermostat@refs/tags/v1.0.1", Digest: map[string]string{"gitCommit": strings.Repeat("ab", 20)}}}
		}
		stmt, err := provenance.NewStatement(so)
		if err != nil {
			t.Fatal(err)
		}
		env, err := provenance.SignEnvelope(stmt, s.buildSigner)
		if err != nil {
			t.Fatal(err)
		}
		add("provenance/build.intoto.jsonl", bundle.RoleProvenance, env)
	}
	for name, b := range s.imported {
		add("provenance/"+name, bundle.RoleProvenance, b)
	}
	if s.sigstoreRoot != nil {
		add(bundle.SigstoreRoot, bundle.RoleSigstoreRoot, s.sigstoreRoot)
	}
	step, err := provenance.BundleStep(provenance.StepOptions{
		Subjects:  []provenance.StepSubject{{Name: art.Path, SHA256: art.SHA256, SHA512: art.SHA512}},
		Materials: []provenance.StepMaterial{{URI: notes.Path, SHA256: notes.SHA256}},
		BuilderID: "https://craudit.dev/builder/craudit@test", ToolVersion: "test",
		Started: at, Finished: at, Signer: s.stepSigner,
	})
	if err != nil {
		t.Fatal(err)
	}
	add(provenance.StepFile, bundle.RoleProvenance, step)
	if _, err := w.Finish(bundle.Index{Product: bundle.Subject{ID: "thermostat"}, Created: at}, root); err != nil {
		t.Fatal(err)
	}
	b, err := bundle.Open(dir, bundle.VerifyOptions{Root: root.Public(), At: at})
	if err != nil {
		t.Fatal(err)
	}
	if !b.OK() {
		t.Fatalf("test bundle has problems: %v", b.Problems)
	}
	return checks.Load(b, root.Public(), at, policy)
}

func run(t *testing.T, in *checks.Input) map[string]checks.Outcome {
	t.Helper()
	out := map[string]checks.Outcome{}
	for _, c := range Checks() {
		out[c.Info().ID] = c.Run(context.Background(), in)
	}
	return out
}

func TestChecks(t *testing.T) {
	allow := &checks.Policy{FailOn: "high", AllowedBuilders: []string{"https://ci.example/builders/release@*"}}
	other := &checks.Policy{FailOn: "high", AllowedBuilders: []string{"https://ci.example/builders/other"}}
	tests := []struct {
		name   string
		spec   func(t *testing.T) spec
		policy *checks.Policy
		want   map[string]checks.Status
	}{
		{"good, no allow-list", func(*testing.T) spec { return spec{} }, nil, map[string]checks.Status{
			IDPresent: checks.Pass, IDSignature: checks.Pass, IDSubjects: checks.Pass, IDBuilder: checks.NotApplicable, IDMaterials: checks.Pass}},
		{"good, builder allowed", func(*testing.T) spec { return spec{} }, allow, map[string]checks.Status{IDBuilder: checks.Pass}},
		{"builder not allowed", func(*testing.T) spec { return spec{} }, other, map[string]checks.Status{IDBuilder: checks.Fail}},
		{"only the bundling step", func(*testing.T) spec { return spec{noBuild: true} }, allow, map[string]checks.Status{
			IDPresent: checks.Missing, IDSignature: checks.Pass, IDSubjects: checks.Pass, IDBuilder: checks.Missing, IDMaterials: checks.Pass}},
		{"build provenance by an unknown key", func(t *testing.T) spec { return spec{buildSigner: key(t, "stranger")} }, allow, map[string]checks.Status{
			IDPresent: checks.Pass, IDSignature: checks.Fail, IDBuilder: checks.Fail}},
		{"build provenance for other bytes", func(*testing.T) spec { return spec{buildFor: []byte("another firmware\n")} }, nil, map[string]checks.Status{
			IDPresent: checks.Fail, IDSignature: checks.Pass, IDSubjects: checks.Fail}},
		{"no materials", func(*testing.T) spec { return spec{buildMaterial: true} }, nil, map[string]checks.Status{IDMaterials: checks.Fail}},
		{"step signed by another key", func(t *testing.T) spec { return spec{stepSigner: key(t, "stranger")} }, nil, map[string]checks.Status{IDSignature: checks.Fail}},
		{"unparsable provenance", func(*testing.T) spec {
			return spec{imported: map[string][]byte{"junk.intoto.jsonl": []byte("{not json\n")}}
		}, nil, map[string]checks.Status{
			IDSignature: checks.Fail, IDSubjects: checks.Fail, IDMaterials: checks.Fail}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, makeInput(t, tc.spec(t), tc.policy))
			for id, want := range tc.want {
				if got[id].Status != want {
					t.Errorf("%s = %s (%s; %+v), want %s", id, got[id].Status, got[id].Message, got[id].Findings, want)
				}
			}
		})
	}
}

func TestInfo(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		i := c.Info()
		if seen[i.ID] || !strings.HasPrefix(i.ID, "provenance/") || i.Step != 1 || len(i.MapsTo) == 0 || i.Description == "" || i.Remediation == "" {
			t.Errorf("bad info %+v", i)
		}
		seen[i.ID] = true
	}
}

func TestRealSigstoreProvenance(t *testing.T) {
	dir := shared.Testdata(t, "provenance", "slsa-verifier", "gha_delegator-v2.1.0")
	art, err := os.ReadFile(filepath.Join(dir, "binary-linux-amd64-workflow_dispatch"))
	if err != nil {
		t.Fatal(err)
	}
	prov, err := os.ReadFile(filepath.Join(dir, "binary-linux-amd64-workflow_dispatch.build.slsa"))
	if err != nil {
		t.Fatal(err)
	}
	trusted := liveTrustedRoot(t)
	policy := &checks.Policy{FailOn: "high", AllowedBuilders: []string{"https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0"}}
	got := run(t, makeInput(t, spec{artefact: art, noBuild: true, imported: map[string][]byte{"fw.build.slsa": prov}, sigstoreRoot: trusted}, policy))
	for _, id := range []string{IDPresent, IDSignature, IDSubjects, IDBuilder, IDMaterials} {
		if got[id].Status != checks.Pass {
			t.Errorf("%s = %s (%s; %+v)", id, got[id].Status, got[id].Message, got[id].Findings)
		}
	}
	// Without the trusted root the signature cannot be verified, and the
	// finding says what to supply.
	got = run(t, makeInput(t, spec{artefact: art, noBuild: true, imported: map[string][]byte{"fw.build.slsa": prov}}, policy))
	if got[IDSignature].Status != checks.Fail || !strings.Contains(findingFor(got[IDSignature], "provenance/fw.build.slsa"), "--trusted-root") {
		t.Errorf("without a trusted root: %s %+v", got[IDSignature].Status, got[IDSignature].Findings)
	}
	if got[IDBuilder].Status != checks.Fail {
		t.Errorf("an unauthenticated builder claim passed: %+v", got[IDBuilder])
	}
}

func findingFor(o checks.Outcome, subject string) string {
	for _, f := range o.Findings {
		if f.Subject == subject {
			return f.Message
		}
	}
	return ""
}

func liveTrustedRoot(t *testing.T) []byte {
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
		if err != nil {
			t.Fatalf("no trusted_root.json target: %v", err)
		}
		if strings.HasSuffix(h.Name, ".trusted_root.json") && strings.Contains(h.Name, "/targets/") {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}
