package attack

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/attackrun"
)

// Deadlines and sizes shrunk so slow scenarios take seconds: craudit's
// transport gives up on a slow server after 5 s, so 10 s leaves room.
// The short deadline is for clients some scenario holds until it ends.
func testOptions(client string, p Profile) Options {
	return Options{Client: client, Profile: p, Deadline: 10 * time.Second, SlowInterval: 50 * time.Millisecond,
		EndlessSize: 8 << 20, NoFaketime: true, ReferenceTime: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
}

// finishOptions is testOptions for a client expected to end every
// scenario by itself (it bounds slow and endless downloads on its own):
// the deadline is the product's default, since here it only decides how
// long a loaded machine may take. Each valid update takes about 0.6 s on
// an idle machine; in a CI run (stop 27) four of them, started together
// while both cores were busy, were still running at a 10 s deadline and
// were judged functional failures.
func finishOptions(client string, p Profile) Options {
	o := testOptions(client, p)
	o.Deadline = DefaultDeadline
	return o
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// binaries builds craudit and the weak test client once, into a folder
// that outlives the tests using it (removed by TestMain).
func binaries(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs clients against every scenario")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "craudit-attack-bin-*")
		if binErr != nil {
			return
		}
		goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
		out, err := exec.Command(goBin, "build", "-o", binDir+string(filepath.Separator),
			"github.com/craudit/craudit/cmd/craudit", "github.com/craudit/craudit/checks/attack/testdata/weakclient",
			"github.com/craudit/craudit/checks/attack/testdata/gotufclient", "github.com/craudit/craudit/cmd/craudit/craudit-client").CombinedOutput()
		if err != nil {
			binErr = &RunError{Err: &buildError{string(out)}}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binDir
}

type buildError struct{ out string }

func (e *buildError) Error() string { return "go build: " + e.out }

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func verdicts(r *attackrun.Run) map[string]attackrun.Verdict {
	out := map[string]attackrun.Verdict{}
	for _, s := range r.Scenarios {
		out[s.ID] = s.Verdict
	}
	return out
}

// TestClients: craudit's own clients pass every scenario; each weak client
// is marked exactly where its weakness lies.
func TestClients(t *testing.T) {
	bin := binaries(t)
	// craudit's own clients, from the lean binary (the same code as
	// `craudit tuf-client`, with a fast start).
	craudit := filepath.Join(bin, "craudit-client")
	weak := filepath.Join(bin, "weakclient")
	vuln := func(ids ...string) func(Scenario) attackrun.Verdict {
		return func(s Scenario) attackrun.Verdict {
			for _, id := range ids {
				if s.ID == id {
					return attackrun.Vulnerable
				}
			}
			return attackrun.Pass
		}
	}
	for _, c := range []struct {
		name, client string
		profile      Profile
		want         func(Scenario) attackrun.Verdict
		finishes     bool // bounds every download itself (finishOptions)
	}{
		{"tuf-client", craudit + " tuf-client", ProfileTUF, vuln(), true},
		{"manifest-client", craudit + " manifest-client", ProfileManifest, vuln(), true},
		{"tuf-noexpiry", weak + " --mode=noexpiry", ProfileTUF, vuln("attack/tuf-freeze-timestamp", "attack/tuf-freeze-snapshot",
			"attack/tuf-freeze-targets", "attack/tuf-freeze-root", "attack/tuf-freeze-local-root"), true},
		{"manifest-noexpiry", weak + " --mode=noexpiry", ProfileManifest, vuln("attack/manifest-expired", "attack/manifest-vendor-cert-expired"), true},
		{"tuf-nohash", weak + " --mode=nohash", ProfileTUF, vuln("attack/tuf-target-substituted", "attack/tuf-target-shorter",
			"attack/tuf-target-unknown-hash-algorithm"), true},
		{"manifest-nohash", weak + " --mode=nohash", ProfileManifest, vuln("attack/manifest-artefact-substituted", "attack/manifest-redirect-mirror-tampered"), true},
		{"tuf-refuse", weak + " --mode=refuse", ProfileTUF, func(Scenario) attackrun.Verdict { return attackrun.FunctionalFailure }, true},
		{"manifest-refuse", weak + " --mode=refuse", ProfileManifest, func(Scenario) attackrun.Verdict { return attackrun.FunctionalFailure }, true},
		{"tuf-accept", weak + " --mode=accept", ProfileTUF, acceptAll, false},
		{"manifest-accept", weak + " --mode=accept", ProfileManifest, acceptAll, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := testOptions(c.client, c.profile)
			if c.finishes {
				o = finishOptions(c.client, c.profile)
			}
			res, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			got := verdicts(res)
			scs := ForProfile(c.profile)
			if len(got) != len(scs) {
				t.Fatalf("%d results for %d scenarios", len(got), len(scs))
			}
			allPass := true
			for _, s := range scs {
				want := c.want(s)
				allPass = allPass && want == attackrun.Pass
				if got[s.ID] != want {
					t.Errorf("%s: %s, want %s", s.ID, got[s.ID], want)
				}
			}
			if res.OK() != allPass {
				t.Errorf("OK() = %v, want %v", res.OK(), allPass)
			}
			if t.Failed() {
				t.Logf("%s", res.Text())
			}
		})
	}
}

// acceptAll: a client that installs anything passes the accept scenarios
// and is vulnerable to every attack.
func acceptAll(s Scenario) attackrun.Verdict {
	if s.Expect == attackrun.Accept {
		return attackrun.Pass
	}
	return attackrun.Vulnerable
}

func TestResultsFormats(t *testing.T) {
	bin := binaries(t)
	o := finishOptions(filepath.Join(bin, "craudit")+" tuf-client", ProfileTUF)
	o.Scenarios = []string{"tuf-valid-update", "tuf-rollback-timestamp"}
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.Summary.Total != 2 || res.Summary.Pass != 2 {
		t.Fatalf("summary %+v", res.Summary)
	}
	runs, err := attackrun.Parse(res.JSON())
	if err != nil || len(runs) != 1 {
		t.Fatalf("round trip: %v", err)
	}
	back := runs[0]
	if back.Scenarios[1].ID != "attack/tuf-rollback-timestamp" || back.Scenarios[1].ExitCode != 1 ||
		back.Scenarios[1].Expect != attackrun.Reject || back.Scenarios[1].Step != 3 || back.ReferenceTime != o.ReferenceTime {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	// Same inputs, same file: no ports, paths or durations in the results.
	again, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JSON()) != string(res.JSON()) {
		t.Errorf("results differ between runs:\n%s\n%s", res.JSON(), again.JSON())
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(res.JUnit(), &suite); err != nil || suite.Tests != 2 || suite.Failures != 0 {
		t.Errorf("junit: %+v %v", suite, err)
	}
	if txt := string(res.Text()); !strings.Contains(txt, "protected  attack/tuf-rollback-timestamp") {
		t.Errorf("text output:\n%s", txt)
	}
}

func TestRunErrors(t *testing.T) {
	for _, o := range []Options{
		{Client: ""},
		{Client: "/nonexistent/updater"},
		{Client: "true", Profile: "no-such-profile"},
		{Client: "true", Scenarios: []string{"no-such-scenario"}},
		{Client: "true", Profile: ProfileTUF, Scenarios: []string{"manifest-expired"}},
	} {
		if _, err := Run(context.Background(), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// A client killed by a signal the harness did not send is inconclusive;
// one that hangs in a slow scenario is vulnerable, and one that writes
// outside its folders is vulnerable even where the update is valid.
func TestInconclusiveAndHang(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "client.sh")
	// Takes the valid update like "accept" would not: it refuses nothing in
	// the baseline, then dies of SIGKILL (sent to itself) or sleeps.
	os.WriteFile(script, []byte(`#!/bin/sh
weak="$1"; shift
case "$MODE_AFTER" in
kill) if [ -e "$STAMP" ]; then kill -9 $$; fi ;;
hang) if [ -e "$STAMP" ]; then sleep 30; fi ;;
slow) sleep 30 ;;
stray) if [ -e "$STAMP" ]; then touch ../../escape.json; fi ;;
esac
"$weak" --mode=accept "$@"; rc=$?
case "$*" in *download*|*update*) touch "$STAMP";; esac
exit $rc
`), 0o755)
	bin := binaries(t)
	for _, c := range []struct {
		mode, scenario string
		want           attackrun.Verdict
		detail         string // a part of the result's detail
	}{
		{"kill", "tuf-rollback-timestamp", attackrun.Inconclusive, "killed by a signal the harness did not send"},
		{"hang", "tuf-slow-retrieval-target", attackrun.Vulnerable, "deadline"},
		{"hang", "tuf-rollback-timestamp", attackrun.Inconclusive, "still running at the deadline"},
		{"hang", "tuf-valid-update", attackrun.FunctionalFailure, "the valid update did not finish"},
		// Still running in the valid baseline: the detail says which
		// deadline to raise.
		{"slow", "tuf-rollback-timestamp", attackrun.FunctionalFailure, "(still running at the deadline (killed); if the updater is only slow on this machine, give it a longer --deadline than 3s)"},
		{"stray", "tuf-delegation-path-traversal", attackrun.Vulnerable, "wrote outside its folders"},
	} {
		o := testOptions(script+" "+filepath.Join(bin, "weakclient"), ProfileTUF)
		o.Deadline = 3 * time.Second
		o.Scenarios = []string{c.scenario}
		o.Env = []string{"MODE_AFTER=" + c.mode, "STAMP=" + filepath.Join(t.TempDir(), "stamp")}
		res, err := Run(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if got, detail := res.Scenarios[0].Verdict, res.Scenarios[0].Detail; got != c.want || !strings.Contains(detail, c.detail) {
			t.Errorf("%s/%s: %s (%s), want %s (…%s…)", c.mode, c.scenario, got, detail, c.want, c.detail)
		}
	}
}

// TestCommand runs `craudit attack` itself: outputs and exit codes.
func TestCommand(t *testing.T) {
	bin := binaries(t)
	craudit := filepath.Join(bin, "craudit")
	out := filepath.Join(t.TempDir(), "attack-results.json")
	// No scenario here holds a client: the deadline is only a margin for a
	// loaded machine (see finishOptions).
	common := []string{"--deadline", "60s", "--no-faketime", "--reference-time", "2026-11-24T12:00:00Z"}
	for _, c := range []struct {
		args []string
		code int
	}{
		{append([]string{"attack", "--client", craudit + " manifest-client", "--profile", "manifest", "--scenario", "manifest-valid-update",
			"--scenario", "manifest-rollback-counter", "--format", "json", "--out", out}, common...), 0},
		{append([]string{"attack", "--client", filepath.Join(bin, "weakclient") + " --mode=accept", "--profile", "manifest",
			"--scenario", "manifest-expired", "--format", "junit"}, common...), 1},
		{[]string{"attack", "--profile", "manifest"}, 2},
		{[]string{"attack", "--client", craudit + " tuf-client", "--format", "sarif"}, 2},
		{[]string{"attack", "--client", craudit + " tuf-client", "--reference-time", "yesterday"}, 2},
	} {
		cmd := exec.Command(craudit, c.args...)
		b, _ := cmd.CombinedOutput()
		if got := cmd.ProcessState.ExitCode(); got != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, got, c.code, b)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	runs, err := attackrun.Parse(b)
	if err != nil || len(runs) != 1 {
		t.Fatalf("attack-results.json: %v", err)
	}
	if res := runs[0]; res.Summary.Pass != 2 || res.Profile != ProfileManifest || res.TimeSource != "--reference-time" {
		t.Errorf("attack-results.json: %+v %v", res, err)
	}
	md, err := exec.Command(craudit, "attack", "--list", "--format", "md").Output()
	if err != nil || string(md) != string(CatalogueMarkdown()) {
		t.Errorf("attack --list --format md differs from the catalogue: %v", err)
	}
}
