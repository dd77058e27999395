package softhsmtest

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Modules are where Debian and others put the SoftHSM2 PKCS#11 library.
var Modules = []string{
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/local/lib/softhsm/libsofthsm2.so",
}

// Token is an initialised SoftHSM2 token.
type Token struct {
	Module, Label, PIN string
	t                  testing.TB
}

// New makes a token labelled label with user PIN pin, in a temporary folder
// (SOFTHSM2_CONF points at it for the rest of the test), or skips.
func New(t testing.TB, label, pin string) *Token {
	t.Helper()
	module := ""
	for _, m := range Modules {
		if _, err := os.Stat(m); err == nil {
			module = m
			break
		}
	}
	missing := []string{}
	if module == "" {
		missing = append(missing, "libsofthsm2.so")
	}
	for _, tool := range []string{"softhsm2-util", "pkcs11-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		msg := "SoftHSM2 token tests need " + strings.Join(missing, ", ") + " (Debian softhsm2, opensc)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true: scripts/deps.sh installs them")
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.MkdirAll(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, fmt.Appendf(nil, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", filepath.Join(dir, "tokens")), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	tok := &Token{Module: module, Label: label, PIN: pin, t: t}
	tok.run("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", "87654321", "--pin", pin)
	return tok
}

func (tok *Token) run(name string, args ...string) []byte {
	tok.t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		tok.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// Generate makes a key pair on the token with pkcs11-tool: keyType is
// "EC:prime256v1" or "EC:edwards25519". It returns the public key as
// pkcs11-tool exports it, in PEM (SPKI), for openssl to verify with.
func (tok *Token) Generate(keyType, label, hexID string) []byte {
	tok.t.Helper()
	tok.run("pkcs11-tool", "--module", tok.Module, "--token-label", tok.Label, "--login", "--pin", tok.PIN,
		"--keypairgen", "--key-type", keyType, "--label", label, "--id", hexID)
	out := filepath.Join(tok.t.TempDir(), "pub")
	tok.run("pkcs11-tool", "--module", tok.Module, "--token-label", tok.Label,
		"--read-object", "--type", "pubkey", "--id", hexID, "-o", out)
	b, err := os.ReadFile(out)
	if err != nil {
		tok.t.Fatal(err)
	}
	if bytes.HasPrefix(b, []byte("-----BEGIN")) {
		return b
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b}) // older pkcs11-tool writes DER
}

// URI names a key on the token with the PIN in it.
func (tok *Token) URI(object string) string {
	return fmt.Sprintf("pkcs11:token=%s;object=%s?module-path=%s&pin-value=%s", tok.Label, object, tok.Module, tok.PIN)
}
