package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

func newKeysCmd() *cobra.Command {
	c := &cobra.Command{Use: "keys", Short: "Generate signing keys and certify vendor keys with the root key"}
	c.AddCommand(newKeysGenerateCmd(), newKeysCertifyCmd())
	return c
}

func newKeysGenerateCmd() *cobra.Command {
	var out, name, typ, passEnv string
	var force bool
	c := &cobra.Command{
		Use:   "generate --out DIR --name NAME [--type ecdsa-p256|ed25519] [--passphrase-env VAR]",
		Short: "Generate a key pair: DIR/NAME.key (PKCS#8, mode 0600) and DIR/NAME.pub (SPKI)",
		Long: `Generates a key pair. With --passphrase-env the private key is written encrypted
(PKCS#8 "ENCRYPTED PRIVATE KEY": PBES2, PBKDF2-HMAC-SHA-256 with 600,000 iterations,
AES-256-CBC), under the passphrase in that environment variable, or asked twice on the
terminal when the variable is not set. Every command that takes a signing key reads such
a key with the same --passphrase-env flag. A key in a PKCS#11 token (an HSM) is made with
the token's own tools and named by a pkcs11: URI instead (see docs/keys.md).`,
		Example: `  craudit keys generate --out keys --name root
  craudit keys generate --out keys --name vendor --type ed25519
  CRAUDIT_PASS=... craudit keys generate --out keys --name release --passphrase-env CRAUDIT_PASS
  openssl pkey -in keys/root.key -noout -text                           # openssl reads them
  openssl pkey -in keys/release.key -passin env:CRAUDIT_PASS -noout -text`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" || name == "" {
				return couldNotRun(fmt.Errorf("--out and --name are required"))
			}
			t, err := keys.ParseType(typ)
			if err != nil {
				return couldNotRun(err)
			}
			pw, err := cli.NewKeyPassphrase(cmd, passEnv)
			if err != nil {
				return couldNotRun(err)
			}
			k, err := keys.Generate(t)
			if err != nil {
				return couldNotRun(err)
			}
			keyPath, pubPath, err := keys.WriteProtectedPair(out, name, k, pw, force)
			if err != nil {
				return couldNotRun(err)
			}
			protected := ""
			if pw != nil {
				protected = ", passphrase-protected"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s and %s (%s%s, key id %s)\n", keyPath, pubPath, t, protected, k.Public().ID()[:16])
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "directory to write the key pair into")
	c.Flags().StringVar(&name, "name", "", "base name of the key files")
	c.Flags().StringVar(&typ, "type", string(keys.ECDSAP256), "key type: ecdsa-p256 or ed25519")
	c.Flags().StringVar(&passEnv, cli.PassphraseEnvFlag, "", "protect the private key with the passphrase in this environment variable (unset: asked on a terminal)")
	c.Flags().BoolVar(&force, "force", false, "overwrite existing key files")
	return c
}

func newKeysCertifyCmd() *cobra.Command {
	var rootKey, subject, out, expires, scope, name, passEnv string
	var force bool
	c := &cobra.Command{
		Use:   "certify --root-key ROOT.key --subject VENDOR.pub --out VENDOR.cert.json",
		Short: "Have the offline root key certify a vendor key (writes CERT and CERT.sig)",
		Long: `Signs a small JSON certificate by which the root key vouches for an operational
vendor key, for a product scope and a validity period. Devices trust only the root
key; the vendor key can be replaced by certifying a new one.`,
		Example: `  craudit keys certify --root-key keys/root.key --subject keys/vendor.pub \
      --scope thermo-st100 --expires 2028-12-31 --out keys/vendor.cert.json
  openssl dgst -sha256 -verify keys/root.pub -signature keys/vendor.cert.json.sig keys/vendor.cert.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rootKey == "" || subject == "" || out == "" {
				return couldNotRun(fmt.Errorf("--root-key, --subject and --out are required"))
			}
			root, err := cli.LoadSigningKey(cmd, rootKey, passEnv)
			if err != nil {
				return couldNotRun(err)
			}
			defer root.Close()
			sub, err := keys.LoadPublic(subject)
			if err != nil {
				return couldNotRun(err)
			}
			now, _, err := cli.StampTime()
			if err != nil {
				return couldNotRun(err)
			}
			end := now.AddDate(2, 0, 0)
			if expires != "" {
				if end, err = product.ParseDate(expires); err != nil {
					return couldNotRun(fmt.Errorf("--expires: %w", err))
				}
			}
			var sc []string
			if scope != "" {
				sc = []string{scope}
			}
			cert, sig, err := keys.Certify(root, sub, keys.CertifyOptions{Name: name, Scope: sc, NotBefore: now, NotAfter: end})
			if err != nil {
				return couldNotRun(err)
			}
			if err := keys.WriteCertificate(out, cert, sig, force); err != nil {
				return couldNotRun(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s and %s (valid %s to %s)\n", out, out+".sig", now.Format(time.DateOnly), end.Format(time.DateOnly))
			return nil
		},
	}
	c.Flags().StringVar(&rootKey, "root-key", "", "the root private key: a PEM file (passphrase-protected or not) or a pkcs11: URI")
	cli.AddPassphraseEnvFlag(c, &passEnv)
	c.Flags().StringVar(&subject, "subject", "", "the vendor public key to certify")
	c.Flags().StringVar(&out, "out", "", "certificate file to write (its signature goes to OUT.sig)")
	c.Flags().StringVar(&expires, "expires", "", "end of validity, YYYY-MM-DD (default: two years)")
	c.Flags().StringVar(&scope, "scope", "", "product ID the vendor key may sign for")
	c.Flags().StringVar(&name, "name", "", "a name for the vendor key")
	c.Flags().BoolVar(&force, "force", false, "overwrite an existing certificate")
	return c
}
