package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/craudit/craudit/evidence/keys"
)

// PassphraseEnvFlag is the one name of the flag that says where a
// passphrase (or a token PIN) comes from, on every command that signs.
const PassphraseEnvFlag = "passphrase-env"

// AddPassphraseEnvFlag registers --passphrase-env on a command that signs.
func AddPassphraseEnvFlag(c *cobra.Command, env *string) {
	c.Flags().StringVar(env, PassphraseEnvFlag, "",
		"environment variable holding the passphrase of a protected key (or the PIN of a pkcs11: token whose URI has none); unset: asked on a terminal")
}

// LoadSigningKey opens a signing key for every command that takes one
// (--signing-key, --root-key): a PEM file, passphrase-protected or not, or
// an RFC 7512 pkcs11: URI. A passphrase is asked for only when the key
// needs one: from the variable --passphrase-env names, else by a prompt
// when stdin is a terminal. Errors are one line naming the key; the caller
// closes the key when done.
func LoadSigningKey(cmd *cobra.Command, ref, passphraseEnv string) (*keys.PrivateKey, error) {
	k, err := keys.LoadSigner(ref, keys.SignerOptions{Passphrase: PassphraseSource(cmd, ref, passphraseEnv, false)})
	if errors.Is(err, keys.ErrPassphraseRequired) {
		return nil, fmt.Errorf("%w: use --%s VAR", err, PassphraseEnvFlag)
	}
	return k, err
}

// NewKeyPassphrase returns the passphrase that protects a new key, or
// nil when env is empty (an unprotected key).
func NewKeyPassphrase(cmd *cobra.Command, env string) ([]byte, error) {
	if env == "" {
		return nil, nil
	}
	pw, err := PassphraseSource(cmd, "the new key", env, true)()
	if err != nil {
		return nil, err
	}
	if len(pw) == 0 {
		return nil, fmt.Errorf("--%s %s: %w", PassphraseEnvFlag, env, keys.ErrEmptyPassphrase)
	}
	return pw, nil
}

// ReadPassword reads a line without echo from the terminal on stdin, or
// returns ErrNoTerminal. It is a variable so that tests can stand in for
// the terminal.
var ReadPassword = func(prompt string, stderr io.Writer) ([]byte, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, ErrNoTerminal
	}
	fmt.Fprint(stderr, prompt)
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(stderr)
	return pw, err
}

// ErrNoTerminal is what ReadPassword returns when there is no terminal to ask on.
var ErrNoTerminal = errors.New("stdin is not a terminal")

// PassphraseSource is the Passphrase a key is unlocked with: from the
// variable env names, else asked on the terminal (twice with confirm), at
// most once (a TUF key folder may hold several protected keys). what names
// the key in the prompt.
func PassphraseSource(cmd *cobra.Command, what, env string, confirm bool) keys.Passphrase {
	var (
		done bool
		pw   []byte
		err  error
	)
	return func() ([]byte, error) {
		if done {
			return pw, err
		}
		done = true
		pw, err = askPassphrase(cmd, what, env, confirm)
		return pw, err
	}
}

func askPassphrase(cmd *cobra.Command, what, env string, confirm bool) ([]byte, error) {
	if env != "" {
		if v, ok := os.LookupEnv(env); ok {
			return []byte(v), nil
		}
	}
	stderr := cmd.ErrOrStderr()
	pw, err := ReadPassword(fmt.Sprintf("Passphrase for %s: ", what), stderr)
	if errors.Is(err, ErrNoTerminal) {
		if env == "" {
			return nil, keys.ErrPassphraseRequired
		}
		return nil, fmt.Errorf("--%s %s: the variable is not set and stdin is not a terminal to ask on", PassphraseEnvFlag, env)
	}
	if err != nil {
		return nil, err
	}
	if confirm {
		again, err := ReadPassword("Again: ", stderr)
		if err != nil {
			return nil, err
		}
		if string(again) != string(pw) {
			return nil, errors.New("the passphrases do not match")
		}
	}
	return pw, nil
}
