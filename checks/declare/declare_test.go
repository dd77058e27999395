package declare

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
)

var refTime = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// makeInput writes a real signed bundle holding answers (when not empty) and
// evidence files, lets tamper change it on disk, then opens and verifies it
// as `craudit check` does.
func makeInput(t testing.TB, answers string, evidence map[string]string, tamper func(dir string)) *checks.Input {
	t.Helper()
	root, err := keys.FromSeed(keys.ECDSAP256, []byte("declare-test-seed-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	w, err := bundle.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	add := func(p, role string, data []byte) {
		if _, err := w.AddBytes(p, role, "application/octet-stream", data); err != nil {
			t.Fatal(err)
		}
	}
	add(bundle.SignerKey, bundle.RoleSignerKey, root.Public().MarshalPEM())
	if answers != "" {
		add(bundle.AnswersFile, bundle.RoleAnswers, []byte(answers))
	}
	for name, body := range evidence {
		add(bundle.DeclarationEvidencePath(name), bundle.RoleDeclEvidence, []byte(body))
	}
	if _, err := w.Finish(bundle.Index{Created: refTime}, root); err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(dir)
	}
	b, err := bundle.Open(dir, bundle.VerifyOptions{Root: root.Public(), At: refTime})
	if err != nil {
		t.Fatal(err)
	}
	return checks.Load(b, root.Public(), refTime, nil)
}

func run(t *testing.T, id string, in *checks.Input) checks.Outcome {
	t.Helper()
	for _, c := range Checks() {
		if c.Info().ID == id {
			return c.Run(context.Background(), in)
		}
	}
	t.Fatalf("no check %s", id)
	return checks.Outcome{}
}

const keyStorageOK = `declarations:
  - control: declare/key-storage
    status: implemented
    statement: Root key offline in a YubiHSM; vendor key in the CI HSM, two named admins.
    owner: Security team
    evidence: [hsm-policy.md, ./keys/ceremony.txt]
`

func TestDeclarationStatuses(t *testing.T) {
	ev := map[string]string{"hsm-policy.md": "policy", "keys/ceremony.txt": "ceremony"}
	cases := []struct {
		name     string
		control  string
		answers  string
		evidence map[string]string
		tamper   func(dir string)
		want     checks.Status
		msg      string
	}{
		{"implemented with verified evidence", "declare/key-storage", keyStorageOK, ev, nil, checks.Declared, "declared implemented (owner: Security team)"},
		{"evidence file absent", "declare/key-storage", keyStorageOK, map[string]string{"hsm-policy.md": "policy"}, nil, checks.Missing, "absent from the bundle"},
		{"evidence file changed", "declare/key-storage", keyStorageOK, ev, func(dir string) {
			os.WriteFile(filepath.Join(dir, "evidence", "hsm-policy.md"), []byte("forged"), 0o644)
		}, checks.Fail, "failed verification"},
		{"no evidence listed", "declare/key-storage", "declarations:\n  - {control: declare/key-storage, status: implemented, statement: HSM, owner: Sec}\n", nil, nil, checks.Missing, "without evidence files"},
		{"no owner nor statement", "declare/key-storage", "declarations:\n  - {control: declare/key-storage, status: implemented, evidence: [hsm-policy.md]}\n", ev, nil, checks.Missing, "without a statement, an owner"},
		{"not declared at all", "declare/atomic-install", keyStorageOK, ev, nil, checks.Missing, "no entry for declare/atomic-install"},
		{"open", "declare/key-storage", "declarations:\n  - {control: declare/key-storage, status: open, owner: Sec}\n", nil, nil, checks.Missing, "still open (owner: Sec)"},
		{"not implemented", "declare/key-storage", "declarations:\n  - {control: declare/key-storage, status: not_implemented, statement: keys on a laptop}\n", nil, nil, checks.Fail, "not implemented: keys on a laptop"},
		{"partial", "declare/key-storage", "declarations:\n  - {control: declare/key-storage, status: partial}\n", nil, nil, checks.Fail, "partly"},
		{"n/a where the CRA allows it", "declare/automatic-updates", "declarations:\n  - {control: declare/automatic-updates, status: not_applicable, justification: sold only as a component for integrators}\n", nil, nil, checks.NotApplicable, "integrators"},
		{"n/a without justification", "declare/automatic-updates", "declarations:\n  - {control: declare/automatic-updates, status: not_applicable}\n", nil, nil, checks.Missing, "without a justification"},
		{"n/a where the CRA does not allow it", "declare/security-testing", "declarations:\n  - {control: declare/security-testing, status: not_applicable, justification: we are small}\n", nil, nil, checks.Fail, "does not make this requirement conditional"},
		{"n/a on a practice recommendation, justified", "declare/key-storage", "declarations:\n  - {control: declare/key-storage, status: not_applicable, justification: keys live in a managed cloud KMS}\n", nil, nil, checks.NotApplicable, "a practice recommendation, not a CRA requirement"},
		{"n/a on a practice recommendation, unjustified", "declare/atomic-install", "declarations:\n  - {control: declare/atomic-install, status: not_applicable}\n", nil, nil, checks.Missing, "without a justification"},
		{"no answers.yaml", "declare/key-storage", "", nil, nil, checks.Missing, "no answers.yaml"},
		{"answers.yaml does not parse", "declare/key-storage", "declarations: [\n", nil, nil, checks.Error, "answers.yaml cannot be read"},
		{"answers.yaml changed", "declare/key-storage", keyStorageOK, ev, func(dir string) {
			os.WriteFile(filepath.Join(dir, "answers.yaml"), []byte(strings.Replace(keyStorageOK, "two", "six", 1)), 0o644)
		}, checks.Fail, "failed verification"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := run(t, c.control, makeInput(t, c.answers, c.evidence, c.tamper))
			if out.Status != c.want || !strings.Contains(out.Message, c.msg) {
				t.Fatalf("got %s %q, want %s containing %q", out.Status, out.Message, c.want, c.msg)
			}
		})
	}
}

func TestDeclaredCitesHashPinnedEvidence(t *testing.T) {
	in := makeInput(t, keyStorageOK, map[string]string{"hsm-policy.md": "policy", "keys/ceremony.txt": "ceremony"}, nil)
	out := run(t, "declare/key-storage", in)
	var paths []string
	for _, r := range out.Evidence {
		paths = append(paths, r.Path)
		if len(r.SHA256) != 64 {
			t.Errorf("%s: no sha256", r.Path)
		}
	}
	want := []string{"answers.yaml", "evidence/hsm-policy.md", "evidence/keys/ceremony.txt"}
	if !slices.Equal(paths, want) {
		t.Errorf("evidence = %v, want %v", paths, want)
	}
	if len(out.Findings) != 2 || out.Findings[0].ID != "declare/key-storage#evidence/hsm-policy.md" {
		t.Errorf("findings = %+v", out.Findings)
	}
}

func TestControlsMapToCatalogue(t *testing.T) {
	set, err := mappings.Load()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range Checks() {
		i := c.Info()
		if seen[i.ID] || !strings.HasPrefix(i.ID, "declare/") || i.ID != strings.ToLower(i.ID) {
			t.Errorf("%s: duplicate or badly formed ID", i.ID)
		}
		seen[i.ID] = true
		if len(i.MapsTo) == 0 {
			t.Errorf("%s: maps to nothing", i.ID)
		}
		if u := set.Unknown(i.MapsTo...); len(u) > 0 {
			t.Errorf("%s: maps to unknown entries %v", i.ID, u)
		}
		if i.Basis != checks.BasisCRA && i.Basis != checks.BasisPractice {
			t.Errorf("%s: basis %q", i.ID, i.Basis)
		}
		// A check is a CRA mandate only if it maps to a CRA entry.
		if i.Basis == checks.BasisCRA && set.Basis(i.MapsTo...) != mappings.BasisCRA {
			t.Errorf("%s: basis cra without a CRA entry", i.ID)
		}
		if i.Step < 0 || i.Step > 7 || i.Title == "" || i.Description == "" || i.Remediation == "" {
			t.Errorf("%s: incomplete info", i.ID)
		}
	}
	for _, c := range Controls() {
		if c.NotApplicableWhen != "" && c.Basis != checks.BasisCRA {
			t.Errorf("%s: not_applicable is only allowed where the CRA allows it", c.ID())
		}
	}
}

func TestEveryNonAutomatedRecommendationIsDeclarable(t *testing.T) {
	// The recommendations no tool can observe from a release must each have
	// a declaration.
	want := []string{"key-protection-and-management", "safe-update-behaviour-testing", "authorised-installation-context", "atomic-update-behaviour",
		"update-status-recording", "secure-logging", "integrity-failure-reporting", "recovery-and-rollback", "trust-anchor-and-key-recovery",
		"automated-retrieval-support", "separation-of-trust-domains"}
	covered := map[string]bool{}
	for _, c := range Controls() {
		for _, m := range c.MapsTo {
			covered[m] = true
		}
	}
	for _, r := range want {
		if !covered["enisa/rec/"+r] {
			t.Errorf("enisa/rec/%s: no declaration covers it", r)
		}
	}
}

func BenchmarkDeclarations(b *testing.B) {
	in := makeInput(b, keyStorageOK, map[string]string{"hsm-policy.md": "p", "keys/ceremony.txt": "c"}, nil)
	list := Checks()
	b.ResetTimer()
	for b.Loop() {
		for _, c := range list {
			c.Run(context.Background(), in)
		}
	}
}

func TestUnknownControls(t *testing.T) {
	a := &product.Answers{Declarations: []product.Declaration{{Control: "declare/key-storage"}, {Control: "declare/key-storrage"}, {Control: "declare/atomic"}}}
	if got := UnknownControls(a); !slices.Equal(got, []string{"declare/atomic", "declare/key-storrage"}) {
		t.Errorf("UnknownControls = %v", got)
	}
	if UnknownControls(nil) != nil {
		t.Error("nil answers")
	}
}
