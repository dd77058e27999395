package attack

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func sumOf(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestIdentifyHashesWhatRuns: the hashed file is the one the command runs:
// the script for an interpreter, the executable otherwise, found on PATH or
// from the current folder; configs are hashed beside it.
func TestIdentifyHashesWhatRuns(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on PATH")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "updater.sh")
	client := filepath.Join(dir, "my-client")
	conf := filepath.Join(dir, "updater.conf")
	for p, body := range map[string]string{script: "#!/bin/sh\nexit 1\n", client: "#!/bin/sh\nexit 0\n", conf: "server=x\n"} {
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		argv     []string
		path     string // the file hashed
		argvWant []string
	}{
		{"sh script.sh (relative)", []string{"sh", "updater.sh", "--verbose"}, script, []string{sh, script, "--verbose"}},
		{"sh -e script.sh", []string{"sh", "-e", "./updater.sh"}, script, []string{sh, "-e", script}},
		{"absolute client", []string{client, "--x"}, client, []string{client, "--x"}},
		{"client on PATH", []string{"my-client"}, client, []string{client}},
		{"sh -c: no script file, the interpreter", []string{"sh", "-c", "exit 0"}, sh, []string{sh, "-c", "exit 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			argv, u, self, err := identify(tc.argv, []string{"updater.conf"})
			if err != nil {
				t.Fatal(err)
			}
			if self {
				t.Error("a shell script taken for craudit's own client")
			}
			if u.Path != tc.path || u.Name != filepath.Base(tc.path) || u.SHA256 != sumOf(t, tc.path) {
				t.Errorf("updater %+v, want %s with SHA-256 %s", u, tc.path, sumOf(t, tc.path))
			}
			if len(u.Configs) != 1 || u.Configs[0].Path != conf || u.Configs[0].SHA256 != sumOf(t, conf) {
				t.Errorf("configs %+v", u.Configs)
			}
			if len(argv) != len(tc.argvWant) {
				t.Fatalf("argv %q, want %q", argv, tc.argvWant)
			}
			for i := range argv {
				if argv[i] != tc.argvWant[i] {
					t.Errorf("argv %q, want %q", argv, tc.argvWant)
				}
			}
		})
	}
	for _, bad := range [][]string{{"sh", "missing.sh"}, {"no-such-client-anywhere"}} {
		if _, _, _, err := identify(bad, nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, _, _, err := identify([]string{"my-client"}, []string{"missing.conf"}); err == nil {
		t.Error("a missing --client-config accepted")
	}
}

// TestSelfTestDetection: craudit's binaries (any main package of its cmd/)
// are its reference clients; other Go programs, even from this module, are
// not.
func TestSelfTestDetection(t *testing.T) {
	bin := binaries(t)
	tests := []struct {
		argv []string
		self bool
	}{
		{[]string{filepath.Join(bin, "craudit"), "manifest-client"}, true},
		{[]string{filepath.Join(bin, "craudit"), "tuf-client"}, true},
		{[]string{filepath.Join(bin, "weakclient"), "accept"}, false},
	}
	for _, tc := range tests {
		_, u, self, err := identify(tc.argv, nil)
		if err != nil {
			t.Fatal(err)
		}
		if self != tc.self || u.Path != tc.argv[0] {
			t.Errorf("%q: self-test %v (updater %+v), want %v", tc.argv, self, u, tc.self)
		}
	}
}

// TestResolveServesTheDeclaredName: with a rule, the client is pointed at
// https://HOST and given --resolve; craudit's manifest-client reaches the
// loopback server under that name, takes the valid update, and refuses the
// impostor served under the same name by another CA.
func TestResolveServesTheDeclaredName(t *testing.T) {
	bin := binaries(t)
	o := finishOptions(QuoteWord(filepath.Join(bin, "craudit"))+" manifest-client", ProfileManifest)
	o.Resolve = "updates.harness.example:443:127.0.0.1"
	o.Scenarios = []string{"manifest-valid-update", "manifest-tls-untrusted-ca"}
	r, err := Run(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Scenarios {
		if s.Verdict != "pass" {
			t.Errorf("%s: %s %s %s", s.ID, s.Verdict, s.Detail, s.ClientSaid)
		}
	}
	if !r.SelfTest || r.Updater == nil || r.Updater.Name != "craudit" {
		t.Errorf("self-test %v, updater %+v", r.SelfTest, r.Updater)
	}
	o.Profile, o.Scenarios = ProfileTUF, nil
	if _, err := Run(t.Context(), o); err == nil {
		t.Error("--resolve accepted for the TUF profile, whose protocol cannot pass it")
	}
}
