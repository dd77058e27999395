package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/keys/pkcs11/softhsmtest"
	"github.com/craudit/craudit/fixtures/shared"
)

// needOpenSSL skips without openssl, except under CI=true.
func needOpenSSL(t *testing.T) {
	t.Helper()
	shared.NeedTools(t, "openssl")
}

// noTerminal makes the passphrase prompt see no terminal, or answer with
// the given lines, for the rest of the test.
func noTerminal(t *testing.T, answers ...string) {
	old := cli.ReadPassword
	t.Cleanup(func() { cli.ReadPassword = old })
	cli.ReadPassword = func(string, io.Writer) ([]byte, error) {
		if len(answers) == 0 {
			return nil, cli.ErrNoTerminal
		}
		a := answers[0]
		answers = answers[1:]
		return []byte(a), nil
	}
}

func openssl(t *testing.T, args ...string) []byte {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TestPassphraseProtectedKeys: keys generate --passphrase-env writes an
// encrypted PKCS#8 key that openssl opens with the passphrase, and the
// commands that sign open it the same way; a wrong or missing passphrase
// is exit 2 with one line and nothing written.
func TestPassphraseProtectedKeys(t *testing.T) {
	needOpenSSL(t)
	noTerminal(t)
	dir := t.TempDir()
	t.Setenv("CRAUDIT_TEST_PASS", "root passphrase")
	t.Setenv("CRAUDIT_TEST_WRONG", "not it")
	os.Unsetenv("CRAUDIT_TEST_UNSET")
	rootKey := filepath.Join(dir, "root.key")
	if code, _, stderr := craudit(t, "keys", "generate", "--out", dir, "--name", "root", "--passphrase-env", "CRAUDIT_TEST_PASS"); code != 0 {
		t.Fatalf("keys generate: exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(rootKey)
	if !bytes.HasPrefix(b, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
		t.Fatalf("not an encrypted PKCS#8 key:\n%s", b)
	}
	pub, _ := os.ReadFile(filepath.Join(dir, "root.pub"))
	if got := openssl(t, "pkey", "-in", rootKey, "-passin", "env:CRAUDIT_TEST_PASS", "-pubout"); !bytes.Equal(got, pub) {
		t.Fatal("openssl derives another public key from the protected key")
	}
	if code, _, stderr := craudit(t, "keys", "generate", "--out", dir, "--name", "vendor"); code != 0 {
		t.Fatalf("keys generate: exit %d: %s", code, stderr)
	}
	cert := filepath.Join(dir, "vendor.cert.json")
	certify := func(extra ...string) (int, string) {
		code, _, stderr := craudit(t, append([]string{"keys", "certify", "--root-key", rootKey, "--subject", filepath.Join(dir, "vendor.pub"),
			"--scope", "thermo", "--out", cert}, extra...)...)
		return code, stderr
	}
	for _, tc := range []struct {
		name  string
		extra []string
		want  string
	}{
		{"wrong passphrase", []string{"--passphrase-env", "CRAUDIT_TEST_WRONG"}, "root.key: wrong passphrase"},
		{"no passphrase, no terminal", nil, "root.key: the key is protected and no passphrase (or token PIN) was given: use --passphrase-env VAR"},
		{"unset variable, no terminal", []string{"--passphrase-env", "CRAUDIT_TEST_UNSET"}, "--passphrase-env CRAUDIT_TEST_UNSET: the variable is not set and stdin is not a terminal"},
	} {
		code, stderr := certify(tc.extra...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, %q; want exit 2 and %q", tc.name, code, stderr, tc.want)
		}
		wantOneLine(t, tc.name, stderr)
		if _, err := os.Stat(cert); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a certificate was written", tc.name)
		}
	}
	if code, stderr := certify("--passphrase-env", "CRAUDIT_TEST_PASS"); code != 0 {
		t.Fatalf("certify with the passphrase: exit %d: %s", code, stderr)
	}
	openssl(t, "dgst", "-sha256", "-verify", filepath.Join(dir, "root.pub"), "-signature", cert+".sig", cert)

	// On a terminal the passphrase is asked (twice for a new key).
	noTerminal(t, "typed", "typed")
	if code, _, stderr := craudit(t, "keys", "generate", "--out", dir, "--name", "typed", "--passphrase-env", "CRAUDIT_TEST_UNSET"); code != 0 {
		t.Fatalf("keys generate on a terminal: exit %d: %s", code, stderr)
	}
	t.Setenv("CRAUDIT_TEST_TYPED", "typed")
	openssl(t, "pkey", "-in", filepath.Join(dir, "typed.key"), "-passin", "env:CRAUDIT_TEST_TYPED", "-noout")
	noTerminal(t, "one", "other")
	code, _, stderr := craudit(t, "keys", "generate", "--out", dir, "--name", "mismatch", "--passphrase-env", "CRAUDIT_TEST_UNSET")
	if code != 2 || !strings.Contains(stderr, "do not match") {
		t.Errorf("mismatched passphrases: exit %d: %s", code, stderr)
	}
	noTerminal(t)
	t.Setenv("CRAUDIT_TEST_EMPTY", "")
	code, _, stderr = craudit(t, "keys", "generate", "--out", dir, "--name", "empty", "--passphrase-env", "CRAUDIT_TEST_EMPTY")
	if code != 2 || !strings.Contains(stderr, "empty passphrase") {
		t.Errorf("empty passphrase: exit %d: %s", code, stderr)
	}
	for _, n := range []string{"mismatch", "empty"} {
		if _, err := os.Stat(filepath.Join(dir, n+".key")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a key was written", n)
		}
	}
}

// TestBundleSigningKeys: bundle signs with a passphrase-protected key and
// with a key in a real SoftHSM2 token (pkcs11: URI); openssl verifies the
// manifest signature against the public key the token's own tool exports.
// A certificate whose scope lacks the product stops the bundle: exit 2,
// one line naming the product and the scope, nothing written.
func TestBundleSigningKeys(t *testing.T) {
	needOpenSSL(t)
	noTerminal(t)
	in := newReleaseInputs(t)
	t.Setenv("CRAUDIT_TEST_PASS", "vendor passphrase")
	out := filepath.Join(t.TempDir(), "out")

	t.Run("out of scope", func(t *testing.T) {
		other := filepath.Join(in.dir, "other.cert.json")
		if code, _, stderr := craudit(t, "keys", "certify", "--root-key", filepath.Join(in.dir, "root.key"), "--subject", filepath.Join(in.dir, "vendor.pub"),
			"--scope", "kettle-k1", "--out", other); code != 0 {
			t.Fatalf("certify: exit %d: %s", code, stderr)
		}
		code, _, stderr := craudit(t, in.bundleArgs(out, map[string]string{"--key-cert": other})...)
		want := `other.cert.json: vendor certificate: product out of scope: product "thermo-demo-st100"; the certificate's scope is ["kettle-k1"]`
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("exit %d, %q; want exit 2 and %q", code, stderr, want)
		}
		wantOneLine(t, "out of scope", stderr)
		if left := stagingLeft(t, out); len(left) > 0 {
			t.Errorf("left behind: %v", left)
		}
	})

	t.Run("protected key", func(t *testing.T) {
		k := filepath.Join(in.dir, "protected")
		if code, _, stderr := craudit(t, "keys", "generate", "--out", k, "--name", "vendor", "--passphrase-env", "CRAUDIT_TEST_PASS"); code != 0 {
			t.Fatalf("keys generate: exit %d: %s", code, stderr)
		}
		code, _, stderr := craudit(t, in.bundleArgs(out, map[string]string{"--signing-key": filepath.Join(k, "vendor.key"), "--key-cert": ""})...)
		if code != 2 || !strings.Contains(stderr, "use --passphrase-env") {
			t.Errorf("without the passphrase: exit %d: %s", code, stderr)
		}
		code, _, stderr = craudit(t, in.bundleArgs(out, map[string]string{"--signing-key": filepath.Join(k, "vendor.key"), "--key-cert": ""},
			"--passphrase-env", "CRAUDIT_TEST_PASS")...)
		if code != 0 {
			t.Fatalf("bundle: exit %d: %s", code, stderr)
		}
		openssl(t, "dgst", "-sha256", "-verify", filepath.Join(k, "vendor.pub"), "-signature", filepath.Join(out, "manifest.json.sig"), filepath.Join(out, "manifest.json"))
	})

	t.Run("pkcs11", func(t *testing.T) {
		tok := softhsmtest.New(t, "craudit", "1234")
		pub := filepath.Join(in.dir, "token-vendor.pub")
		write(t, pub, tok.Generate("EC:prime256v1", "vendor", "01"))
		cert := filepath.Join(in.dir, "token.cert.json")
		if code, _, stderr := craudit(t, "keys", "certify", "--root-key", filepath.Join(in.dir, "root.key"), "--subject", pub,
			"--scope", "thermo-demo-st100", "--out", cert); code != 0 {
			t.Fatalf("certify: exit %d: %s", code, stderr)
		}
		code, _, stderr := craudit(t, in.bundleArgs(out, map[string]string{"--signing-key": tok.URI("vendor"), "--key-cert": cert}, "--force")...)
		if code != 0 {
			t.Fatalf("bundle with a pkcs11: key: exit %d: %s", code, stderr)
		}
		openssl(t, "dgst", "-sha256", "-verify", pub, "-signature", filepath.Join(out, "manifest.json.sig"), filepath.Join(out, "manifest.json"))
		if code, _, stderr := craudit(t, "bundle", "verify", out, "--trust", in.root); code != 0 {
			t.Fatalf("bundle verify: exit %d: %s", code, stderr)
		}
		// A wrong PIN: exit 2, one line, the PIN not shown.
		bad := strings.Replace(tok.URI("vendor"), "pin-value=1234", "pin-value=9999", 1)
		code, _, stderr = craudit(t, in.bundleArgs(filepath.Join(t.TempDir(), "b"), map[string]string{"--signing-key": bad, "--key-cert": cert})...)
		if code != 2 || !strings.Contains(stderr, "the token refused the PIN") || strings.Contains(stderr, "9999") {
			t.Errorf("wrong PIN: exit %d: %s", code, stderr)
		}
		wantOneLine(t, "wrong PIN", stderr)
	})
}

// TestPassphrasePromptOnTerminal runs keys generate on a real terminal (a
// pty made by util-linux's script): the passphrase is asked twice without
// echo, and openssl opens the key with it.
func TestPassphrasePromptOnTerminal(t *testing.T) {
	needOpenSSL(t)
	shared.NeedTools(t, "script")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.Unsetenv("CRAUDIT_TEST_UNSET")
	line := fmt.Sprintf("'%s' keys generate --out '%s' --name tty --passphrase-env CRAUDIT_TEST_UNSET", exe, dir)
	cmd := exec.Command("script", "-qec", line, "/dev/null")
	cmd.Env = append(os.Environ(), asCLI+"=1")
	cmd.Stdin = strings.NewReader("pty passphrase\npty passphrase\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("keys generate on a pty: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Passphrase for the new key:") || !strings.Contains(string(out), "Again:") {
		t.Errorf("no prompts on the terminal:\n%s", out)
	}
	t.Setenv("CRAUDIT_TEST_PTY", "pty passphrase")
	openssl(t, "pkey", "-in", filepath.Join(dir, "tty.key"), "-passin", "env:CRAUDIT_TEST_PTY", "-noout")
}
