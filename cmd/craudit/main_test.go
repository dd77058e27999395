package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// craudit runs one command line in-process.
func craudit(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"check"},
		{"check", "x", "--bogus-flag"},
		{"bundle", "verify", "/nonexistent", "--trust", "/nonexistent.pub"},
		{"keys", "generate", "--out", t.TempDir(), "--name", "k", "--type", "rsa"},
		{"check", t.TempDir(), "--trust", "/nonexistent.pub"},
	} {
		code, _, stderr := craudit(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
		if n := strings.Count(strings.TrimSpace(stderr), "\n"); n > 0 {
			t.Errorf("%v: want one line on stderr, got %d:\n%s", args, n+1, stderr)
		}
	}
}

func TestKeysGenerateAndCertifyWithOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	for _, a := range [][]string{
		{"keys", "generate", "--out", dir, "--name", "root"},
		{"keys", "generate", "--out", dir, "--name", "vendor", "--type", "ed25519"},
		{"keys", "certify", "--root-key", filepath.Join(dir, "root.key"), "--subject", filepath.Join(dir, "vendor.pub"),
			"--scope", "thermo", "--expires", "2030-01-01", "--out", filepath.Join(dir, "vendor.cert.json")},
	} {
		if code, _, stderr := craudit(t, a...); code != 0 {
			t.Fatalf("%v: exit %d: %s", a, code, stderr)
		}
	}
	st, _ := os.Stat(filepath.Join(dir, "root.key"))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v, want 0600", st.Mode().Perm())
	}
	out, err := exec.Command("openssl", "dgst", "-sha256", "-verify", filepath.Join(dir, "root.pub"),
		"-signature", filepath.Join(dir, "vendor.cert.json.sig"), filepath.Join(dir, "vendor.cert.json")).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl rejects the certificate signature: %v %s", err, out)
	}
	// Existing keys are never overwritten without --force.
	if code, _, _ := craudit(t, "keys", "generate", "--out", dir, "--name", "root"); code != 2 {
		t.Errorf("overwrote an existing key without --force: exit %d", code)
	}
}

// runCode runs a command line in-process and returns only its exit code.
func runCode(args []string) int {
	return run(context.Background(), args, io.Discard, io.Discard)
}

// asCLI makes the test binary act as craudit when a test re-executes it (the
// attack harness runs `os.Executable() tuf-client ...`, which in a test is
// this binary).
const asCLI = "CRAUDIT_TEST_BINARY_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		main() // as the real binary, with its signal handling (interrupt tests)
	}
	os.Setenv(asCLI, "1") // inherited by re-executed children only
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(filepath.Dir(demoDir))
	}
	os.Exit(code)
}

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		lines []string // prefixes, in order
	}{
		{[]string{"version"}, []string{"craudit "}},
		{[]string{"version", "--verbose"}, []string{"craudit ", "go: go1.", "sha512: "}},
	} {
		code, stdout, stderr := craudit(t, tc.args...)
		got := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if code != 0 || stderr != "" || len(got) != len(tc.lines) {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q", tc.args, code, stdout, stderr)
		}
		for i, p := range tc.lines {
			if !strings.HasPrefix(got[i], p) {
				t.Errorf("%v: line %d is %q, want it to start with %q", tc.args, i+1, got[i], p)
			}
		}
	}
}
