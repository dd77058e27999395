package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/reports/dossier"
	"github.com/craudit/craudit/reports/formats"
)

func newDossierCmd() *cobra.Command {
	var j judgeFlags
	var out, signingKey, keyCert, passEnv string
	var force bool
	c := &cobra.Command{
		Use:   "dossier BUNDLE --out DIR --trust ROOT.pub --signing-key KEY",
		Short: "Render the signed Annex VII evidence dossier of a bundle",
		Long: `Judges the bundle like 'check', then writes DIR with the rendered reports (index.html,
dossier.pdf, dossier.md, results.json, results.oscal.json: the Annex VII technical
documentation, from the evidence only, offline), a copy
of the bundle under evidence/bundle/, live evidence under evidence/live/, the signer's
public key, and SHA256SUMS over every file signed by --signing-key. The exit code is
the judgement's, as for 'check'; a dossier is written in every case so that a failing
release is documented too (bundle files that failed verification are left out of its
copy). Only a bundle file that changes after it was verified stops the dossier: exit 1,
nothing written.`,
		Example: `  craudit dossier bundle --out dossier --trust keys/root.pub --signing-key keys/vendor.key \
      --key-cert keys/vendor.cert.json
  craudit dossier verify dossier --trust keys/root.pub`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" || signingKey == "" {
				return couldNotRun(fmt.Errorf("--out and --signing-key are required"))
			}
			signer, err := cli.LoadSigningKey(cmd, signingKey, passEnv)
			if err != nil {
				return couldNotRun(err)
			}
			defer signer.Close()
			jd, err := j.judge(cmd, args[0])
			if err != nil {
				return couldNotRun(err)
			}
			err = dossier.Write(dossier.Options{Context: cmd.Context(), Out: out, Force: force, Input: jd.in, Report: jd.rep, Signer: signer,
				SignerCert: keyCert, Renderers: formats.Dossier()})
			if errors.Is(err, bundle.ErrChanged) {
				return failed(err) // the bundle changed after it was verified: a judgement, nothing written
			}
			if err != nil {
				return couldNotRun(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "dossier %s: %s\n", out, jd.rep.SummaryLine())
			return exitCode(jd.rep.ExitCode())
		},
	}
	j.register(c)
	c.Flags().StringVar(&out, "out", "", "the dossier directory to create")
	c.Flags().StringVar(&signingKey, "signing-key", "", "the key that signs SHA256SUMS: a PEM file (passphrase-protected or not) or a pkcs11: URI")
	cli.AddPassphraseEnvFlag(c, &passEnv)
	c.Flags().StringVar(&keyCert, "key-cert", "", "the signing key's certificate by the root key (CERT.sig beside it)")
	c.Flags().BoolVar(&force, "force", false, "replace an existing dossier")
	c.AddCommand(newDossierVerifyCmd())
	return c
}

func newDossierVerifyCmd() *cobra.Command {
	var trust, format string
	c := &cobra.Command{
		Use:   "verify DIR [--trust KEY.pub]",
		Short: "Re-hash a dossier against SHA256SUMS and check its signature",
		Long: `Without --trust only integrity is checked (hashes and the signature by the enclosed
signer.pub) and the signer is reported as not authenticated. With --trust the signer
must be that key, or be certified by it through the enclosed signer.cert.json.`,
		Example: `  craudit dossier verify dossier --trust keys/root.pub
  cd dossier && sha256sum -c SHA256SUMS && openssl dgst -sha256 -verify signer.pub -signature SHA256SUMS.sig SHA256SUMS`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var trustKey *keys.PublicKey
			if trust != "" {
				k, err := keys.LoadPublic(trust)
				if err != nil {
					return couldNotRun(err)
				}
				trustKey = k
			}
			v, err := dossier.Verify(args[0], trustKey)
			if err != nil {
				return couldNotRun(err)
			}
			if format == "json" {
				b, _ := json.MarshalIndent(v, "", "  ")
				cmd.OutOrStdout().Write(append(b, '\n'))
			}
			if !v.OK() {
				for _, p := range v.Problems {
					fmt.Fprintln(cmd.ErrOrStderr(), "FAIL "+p)
				}
				return failed(fmt.Errorf("dossier %s failed verification (%d problems)", args[0], len(v.Problems)))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "OK %s: %d files match SHA256SUMS; %s\n", args[0], v.Files, v.How)
			return nil
		},
	}
	c.Flags().StringVar(&trust, "trust", "", "the key to authenticate the signer with (signer key or root key)")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}
