package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports/dossier"
	"github.com/craudit/craudit/reports/formats"
)

func newDossierCmd() *cobra.Command {
	var j judgeFlags
	var out, signingKey, keyCert, passEnv, paperworkDir string
	var force bool
	c := &cobra.Command{
		Use:   "dossier BUNDLE --out DIR --trust ROOT.pub --signing-key KEY",
		Short: "Render the signed Annex VII evidence dossier of a bundle",
		Long: `Judges the bundle like 'check' and writes DIR: the rendered Annex VII documentation
(index.html, dossier.pdf, dossier.md, results.json, SARIF, JUnit, OSCAL), the bundle under
evidence/bundle/, live evidence under evidence/live/ (a --repo transcript signed by
--signing-key), the policy used (evidence/policy.yaml), signer.pub, and SHA256SUMS signed
by --signing-key. Exit code: the judgement's; a failing release is documented too (bundle
files that failed verification left out). A bundle file changing after verification: exit 1,
nothing written. 'dossier verify --trust' judges the enclosed evidence again.`,
		Example: `  craudit dossier bundle --out dossier --trust keys/root.pub --signing-key keys/vendor.key \
      --key-cert keys/vendor.cert.json
  craudit dossier bundle --out dossier --trust keys/root.pub --signing-key keys/vendor.key --paperwork paperwork
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
			// Enclosed signed, a --repo transcript is judged again as it is now.
			j.seal = func(in *checks.Input) error { return verifiercheck.Seal(in, signer, keyCert) }
			var pw []dossier.PaperworkFile
			if paperworkDir != "" {
				if pw, err = dossier.ReadPaperwork(paperworkDir); err != nil {
					return couldNotRun(fmt.Errorf("--paperwork: %w", err))
				}
			}
			jd, err := j.judge(cmd, args[0])
			if err != nil {
				return couldNotRun(err)
			}
			err = dossier.Write(dossier.Options{Context: cmd.Context(), Out: out, Force: force, Input: jd.in, Report: jd.rep, Signer: signer,
				SignerCert: keyCert, Renderers: formats.Dossier(), Policy: jd.policy, Paperwork: pw})
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
	c.Flags().StringVar(&paperworkDir, "paperwork", "", "enclose this folder's CRA paperwork (advisories, notification drafts, declaration, user information) under paperwork/, pinned by SHA256SUMS")
	c.AddCommand(newDossierVerifyCmd())
	return c
}

func newDossierVerifyCmd() *cobra.Command {
	var trust, format string
	var integrityOnly bool
	c := &cobra.Command{
		Use:   "verify DIR --trust ROOT.pub",
		Short: "Check a dossier's hashes and signature, authenticate its signer and judge its evidence again",
		Long: `Re-hashes every file against SHA256SUMS and checks its signature by the enclosed
signer.pub. With --trust the signer must be that key or be certified by it (enclosed
signer.cert.json); then the enclosed bundle and live evidence are judged again with the
enclosed policy at the recorded reference time, and any difference from results.json (the
verdict, a status, a finding) fails. Without --trust anyone's re-signed dossier would
pass: exit 1 ("integrity only: signer not authenticated") unless --integrity-only.`,
		Example: `  craudit dossier verify dossier --trust keys/root.pub
  craudit dossier verify dossier --integrity-only
  cd dossier && sha256sum -c SHA256SUMS && openssl dgst -sha256 -verify signer.pub -signature SHA256SUMS.sig SHA256SUMS`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := dossier.VerifyOptions{}
			if trust != "" {
				k, err := keys.LoadPublic(trust)
				if err != nil {
					return couldNotRun(err)
				}
				o.Trust = k
				o.Rejudge = &dossier.Rejudge{Context: cmd.Context(), Checks: list.All(), Tool: checks.Tool{Name: "craudit", Version: version},
					Catalogues: list.CatalogueRefs(mappings.MustLoad())}
			}
			v, err := dossier.VerifyWith(args[0], o)
			if err != nil {
				return couldNotRun(err)
			}
			if format == "json" {
				b, _ := json.MarshalIndent(v, "", "  ")
				cmd.OutOrStdout().Write(append(b, '\n'))
			}
			lines, ok := v.Outcome(args[0], integrityOnly)
			fmt.Fprintln(cmd.ErrOrStderr(), strings.Join(lines, "\n"))
			if !ok {
				return exitCode(1)
			}
			return nil
		},
	}
	c.Flags().StringVar(&trust, "trust", "", "the key to authenticate the signer with (the root key, or the signer's own key) and judge again against")
	c.Flags().BoolVar(&integrityOnly, "integrity-only", false, "without --trust (which overrides it): accept a dossier whose hashes and enclosed signature are right although its signer is not authenticated")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}
