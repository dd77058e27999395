package attack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/attack/layout"
	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/fixtures/shared"
)

// example is the ST-200 example of docs/examples/st200: its updater script
// and its layout.
func example(t *testing.T) (script string, l *layout.Layout) {
	t.Helper()
	root, ok := shared.ModuleRoot()
	if !ok {
		t.Fatal("no module root")
	}
	dir := filepath.Join(root, "docs", "examples", "st200")
	l, err := layout.Load(filepath.Join(dir, "st200.layout.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "st200-ota.sh"), l
}

// Under a layout every manifest scenario serves its files at the layout's
// paths only, and the manifest signed there is the layout's.
func TestLayoutPlacesEveryScenario(t *testing.T) {
	_, l := example(t)
	served := map[string]bool{}
	for _, p := range []string{layout.ManifestPath, layout.ManifestSigPath, layout.CertPath, layout.CertSigPath, layout.SignerKeyPath, layout.ArtefactDir + plan.TargetName} {
		if to, ok := l.Path(p); ok {
			served[to] = true
		}
	}
	manifestAt, _ := l.Path(layout.ManifestPath)
	certAt, _ := l.Path(layout.CertPath)
	certSigAt, _ := l.Path(layout.CertSigPath)
	sigAt, _ := l.Path(layout.ManifestSigPath)
	for _, sc := range ForProfile(ProfileManifest) {
		e := plan.NewEnv(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
		e.Layout = l
		p, err := sc.build(e)
		if err != nil {
			t.Fatalf("%s: %v", sc.ID, err)
		}
		for phase, st := range map[string]*plan.State{"baseline": p.Baseline, "attack": p.Attack} {
			for _, m := range []map[string][]byte{st.Files, st.Mirror} {
				for k := range m {
					if !served[k] {
						t.Errorf("%s %s: serves %q, not a path of the layout", sc.ID, phase, k)
					}
				}
			}
			for k, sp := range st.Special {
				if !served[k] {
					t.Errorf("%s %s: misbehaves on %q, not a path of the layout", sc.ID, phase, k)
				}
				if _, to, ok := strings.Cut(sp.To, ":/"); ok && !served[to] {
					t.Errorf("%s %s: redirects to %q, not a path of the layout", sc.ID, phase, sp.To)
				}
			}
		}
		// The baseline's manifest is the layout's, signed by the certified key.
		b := p.Baseline.Files
		if !bytes.Contains(b[manifestAt], []byte(`"format": "st200-ota/1"`)) || bytes.Contains(b[manifestAt], []byte(`"schema"`)) {
			t.Errorf("%s: the baseline manifest is not in the layout:\n%s", sc.ID, b[manifestAt])
		}
		root, err := keys.ParsePublicPEM(p.InitRoot)
		if err != nil {
			t.Fatal(err)
		}
		_, vendor, err := keys.VerifyCertificate(b[certAt], b[certSigAt], root, keys.CertVerifyOptions{At: e.Ref})
		if err != nil {
			t.Fatalf("%s: baseline certificate: %v", sc.ID, err)
		}
		if err := vendor.Verify(b[manifestAt], b[sigAt]); err != nil {
			t.Errorf("%s: the baseline manifest's signature does not verify: %v", sc.ID, err)
		}
	}
}

// The ENISA-style example updater, run as it is through its layout, is
// protected in every manifest scenario and takes the valid update.
// go test ./checks/attack/ -run TestLayoutExample -update rewrites its
// results page.
func TestLayoutExample(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the example updater against every manifest scenario")
	}
	shared.NeedTools(t, "sh", "curl", "openssl", "awk", "sha256sum")
	script, l := example(t)
	o := testOptions("sh "+QuoteWord(script), ProfileManifest)
	o.Layout = l
	// curl's own limits end the slow and endless scenarios (5 s below
	// 2048 bytes/s; the size cut): the deadline leaves room for a loaded
	// machine.
	o.Deadline = 30 * time.Second
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Scenarios {
		if s.Verdict != attackrun.Pass {
			t.Errorf("%s: %s: %s (%s)", s.ID, s.Verdict, s.Detail, s.ClientSaid)
		}
	}
	if len(res.Scenarios) != len(ForProfile(ProfileManifest)) || !res.OK() {
		t.Fatalf("%d scenarios, OK %v", len(res.Scenarios), res.OK())
	}
	root, _ := shared.ModuleRoot()
	page := filepath.Join(root, "docs", "examples", "st200", "results.md")
	if *update {
		if err := os.WriteFile(page, exampleResults(res), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	// The page shows what this run found: the same scenarios and verdicts.
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("%v (go test ./checks/attack/ -run TestLayoutExample -update writes it)", err)
	}
	row := regexp.MustCompile("(?m)^\\| `(attack/[a-z0-9-]+)` \\| [a-z]+ \\| ([a-z ]+) \\|")
	var got []string
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		got = append(got, m[1]+" "+m[2])
	}
	var want []string
	for _, s := range res.Scenarios {
		want = append(want, s.ID+" "+s.Verdict.Label())
	}
	if !bytes.Contains(b, []byte(res.Updater.SHA256)) {
		t.Errorf("%s names another version of the updater than %s (go test ./checks/attack/ -run TestLayoutExample -update)", page, res.Updater.SHA256)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s is stale (go test ./checks/attack/ -run TestLayoutExample -update):\n%s\nwant\n%s", page, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// exampleResults is docs/examples/st200/results.md: the verdicts and the
// updater's own words, without this machine's paths.
func exampleResults(r *attackrun.Run) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `# ST-200 updater: attack results

Generated by `+"`go test ./checks/attack/ -run TestLayoutExample -update`"+` (the test fails
when a verdict here differs from a new run). The same run by hand, from this folder:

`+"```sh"+`
craudit attack --client 'sh st200-ota.sh' --profile manifest --layout st200.layout.yaml
`+"```"+`

Updater: `+"`st200-ota.sh`"+`, SHA-256 `+"`%s`"+`. %d scenarios: %d pass, %d VULNERABLE,
%d functional failure, %d inconclusive. "What the updater said" is its last line of output
(curl's messages depend on its version).

| scenario | expect | verdict | what the updater said |
|---|---|---|---|
`, r.Updater.SHA256, r.Summary.Total, r.Summary.Pass, r.Summary.Vulnerable, r.Summary.FunctionalFailure, r.Summary.Inconclusive)
	for _, s := range r.Scenarios {
		said := s.ClientSaid
		if s.Expect == attackrun.Accept {
			said = "(installed into `active/`)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.ID, s.Expect, s.Verdict.Label(), strings.ReplaceAll(said, "|", `\|`))
	}
	return b.Bytes()
}

// A client that looks for its files where the scenario does not serve them
// gets a functional failure naming the paths it asked for.
func TestUnservedPathHint(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the example updater")
	}
	shared.NeedTools(t, "sh", "curl", "openssl", "awk", "sha256sum")
	script, full := example(t)
	// The example's command line, but craudit's own paths and fields.
	l, err := layout.Parse("partial.layout.yaml", []byte("layout: 1\nclient:\n  arguments: [-k, '{trust}', -c, '{ca}', -s, '{repo}', -d, '{state}', -v, '{installed_version}', -i, '{out}', -m, '{product}', -b, '{hardware_id}', install]\n  installed: active\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(full.Arguments, " "), strings.Join(l.Arguments[:16], " ")) {
		t.Fatalf("the partial layout's arguments are not the example's: %v", full.Arguments)
	}
	o := testOptions("sh "+QuoteWord(script), ProfileManifest)
	o.Layout, o.Scenarios = l, []string{"manifest-valid-update"}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Scenarios[0]
	want := "asked for /ota/trust/vendor-cert.json, which this scenario does not serve — does the layout need a mapping (--layout, docs/attack-layouts.md)?"
	if s.Verdict != attackrun.FunctionalFailure || !strings.Contains(s.Detail, want) {
		t.Errorf("%s: %s\nwant the hint %q", s.Verdict, s.Detail, want)
	}
}

func TestLayoutOnlyWhereItApplies(t *testing.T) {
	l, err := layout.Parse("x.yaml", []byte("layout: 1\nclient:\n  arguments: ['{repo}']\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		o    Options
		want string
	}{
		{"tuf", Options{Client: "true", Profile: ProfileTUF, Layout: l}, "--layout: the tuf profile has no layout to change"},
		{"resolve", Options{Client: "true", Profile: ProfileManifest, Layout: l, Resolve: "updates.example:443:127.0.0.1"}, "x.yaml: the repository is served under a declared name (--resolve) but the layout has no client.resolve_arguments"},
	} {
		_, err := Run(context.Background(), c.o)
		var re *RunError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a RunError with %q", c.name, err, c.want)
		}
	}
}

// Scenarios run at once give the same results, in catalogue order, as one
// at a time, and the progress lines keep that order.
func TestParallelKeepsOrder(t *testing.T) {
	bin := binaries(t)
	var outs [][]byte
	var progress []string
	for _, n := range []int{1, 6} {
		o := testOptions(filepath.Join(bin, "weakclient")+" --mode=refuse", ProfileManifest)
		o.Parallel = n
		var p bytes.Buffer
		o.Progress = &p
		res, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, res.JSON())
		progress = append(progress, p.String())
		for i, s := range ForProfile(ProfileManifest) {
			if res.Scenarios[i].ID != s.ID {
				t.Fatalf("parallel %d: result %d is %s, want %s", n, i, res.Scenarios[i].ID, s.ID)
			}
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Errorf("results differ between 1 and 6 at once:\n%s\n%s", outs[0], outs[1])
	}
	if progress[0] != progress[1] {
		t.Errorf("progress differs:\n%s\n%s", progress[0], progress[1])
	}
}
