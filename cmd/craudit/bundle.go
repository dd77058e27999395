package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/judge"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/pack"
	"github.com/craudit/craudit/evidence/producers"
)

func newBundleCmd() *cobra.Command {
	var o pack.Options
	var signingKey, passEnv string
	c := &cobra.Command{
		Use:   "bundle --product product.yaml --release release.yaml --artefact FILE... --signing-key KEY --out BUNDLE",
		Short: "Bundle an update release with its evidence, signed",
		Long: `Copies the artefacts into a new bundle (hashing each once, SHA-256 and SHA-512),
makes and signs the device manifest, generates the SBOM (or imports --sbom), scans it
against an offline OSV database (--osv-db), adds VEX, provenance and the manufacturer's
inputs, and signs the index bundle.json. --signing-key is a PEM file (protected ones
are opened with --passphrase-env) or a pkcs11: URI (docs/keys.md). A --key-cert whose
scope does not name the product is refused. An existing --out is refused without --force;
an interrupted run leaves nothing at --out.`,
		Example: `  craudit bundle --product product.yaml --release release.yaml \
      --artefact firmware-1.0.1.tar --signing-key keys/vendor.key \
      --key-cert keys/vendor.cert.json --answers answers.yaml \
      --osv-db osv-db --vex thermostat.openvex.json --out bundle
  # a passphrase-protected key, or a key in a PKCS#11 token (PIN from the variable):
  craudit bundle ... --signing-key keys/vendor.key --passphrase-env CRAUDIT_PASS
  craudit bundle ... --passphrase-env CRAUDIT_PIN \
      --signing-key 'pkcs11:token=craudit;object=vendor?module-path=/usr/lib/softhsm/libsofthsm2.so'
  # a RAUC bundle (inspected against product.yaml's updates.artefact_trust) and the device's RAUC configuration:
  craudit bundle ... --artefact update.raucb --updater-config rauc:system.conf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Product == "" || o.Release == "" || signingKey == "" || o.Out == "" {
				return couldNotRun(fmt.Errorf("--product, --release, --artefact, --signing-key and --out are required"))
			}
			k, err := cli.LoadSigningKey(cmd, signingKey, passEnv)
			if err != nil {
				return couldNotRun(err)
			}
			defer k.Close()
			o.SigningKey = k
			if err := (judge.LiveFiles{Transcript: o.Transcript, AttackResults: o.AttackResults}).Check(cmd.ErrOrStderr()); err != nil {
				return couldNotRun(err)
			}
			if o.Created, _, err = cli.StampTime(); err != nil {
				return couldNotRun(err)
			}
			o.Tool = bundle.Tool{Name: "craudit", Version: version}
			// What the SBOM could not catalogue is printed once the bundle
			// is made (a failed run prints only its one error line).
			var notices []string
			tool := producerTool
			tool.Notice = func(s string) { notices = append(notices, "sbom: "+s) }
			o.Make = producers.Default(tool)
			if o.SBOM == "" {
				o.Make = producers.Prepared(cmd.Context(), tool)
			}
			if o.Make, err = producers.WithTrustedRoot(o.Make, o.TrustedRoot); err != nil {
				return couldNotRun(err)
			}
			idx, err := pack.Bundle(cmd.Context(), o)
			if err != nil {
				return couldNotRun(err)
			}
			for _, n := range notices {
				fmt.Fprintln(cmd.ErrOrStderr(), n)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "bundle %s: %d files, release %s, signed by key %s\n", o.Out, len(idx.Items)+2, idx.Release.Version, k.Public().ID()[:16])
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&o.Product, "product", "", "product.yaml")
	f.StringVar(&o.Release, "release", "", "release.yaml")
	f.StringVar(&o.Answers, "answers", "", "answers.yaml (declarations; their evidence files are pinned into the bundle)")
	f.StringArrayVar(&o.Artefacts, "artefact", nil, "an update artefact (repeatable)")
	f.StringVar(&signingKey, "signing-key", "", "the vendor private key that signs the manifest and the bundle: a PEM file (passphrase-protected or not) or a pkcs11: URI")
	cli.AddPassphraseEnvFlag(c, &passEnv)
	f.StringVar(&o.KeyCert, "key-cert", "", "the vendor key's certificate by the root key (CERT.sig beside it)")
	f.StringVar(&o.SBOM, "sbom", "", "an SBOM to import instead of generating one (CycloneDX or SPDX JSON)")
	f.StringArrayVar(&o.VEX, "vex", nil, "an OpenVEX or CSAF 2.0 VEX (csaf_vex) document (repeatable)")
	f.StringVar(&o.KEV, "kev", "", "a known-exploited vulnerabilities catalogue (CISA KEV JSON format); vuln/known-exploitable judges exploitation from it")
	f.StringVar(&o.FleetStatus, "fleet-status", "", "a fleet status snapshot (craudit fleet status --format json); the fleet/ checks judge it and the dossier shows it")
	f.StringArrayVar(&o.Provenance, "provenance", nil, "build provenance: DSSE, .intoto.jsonl or Sigstore bundle (repeatable)")
	f.StringVar(&o.TrustedRoot, "trusted-root", "", "Sigstore trusted_root.json: imported Sigstore bundles must verify against it offline; kept in the bundle for the checks")
	f.StringVar(&o.OSVDB, "osv-db", "", "offline OSV database directory (osv-scalibr/<Ecosystem>/all.zip)")
	f.StringVar(&o.Transcript, "transcript", "", "a signed verifier transcript made earlier (craudit verify --signing-key)")
	f.StringVar(&o.AttackResults, "attack-results", "", "signed attack results made earlier (craudit attack --signing-key)")
	f.StringArrayVar(&o.UpdaterConfigs, "updater-config", nil, "updater configuration as evidence: [rauc|swupdate|swupdate-cmdline|mender|ostree:]FILE (repeatable)")
	f.StringVar(&o.Out, "out", "", "the bundle directory to create")
	f.BoolVar(&o.Force, "force", false, "replace an existing bundle")
	c.AddCommand(newBundleVerifyCmd())
	return c
}

func newBundleVerifyCmd() *cobra.Command {
	var trust, refTime, format string
	c := &cobra.Command{
		Use:   "verify BUNDLE --trust ROOT.pub",
		Short: "Re-hash every file of a bundle and check every signature and the certificate chain",
		Example: `  craudit bundle verify bundle --trust keys/root.pub
  craudit bundle verify bundle --trust keys/root.pub --reference-time 2027-01-01T00:00:00Z`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := loadTrust(trust)
			if err != nil {
				return couldNotRun(err)
			}
			at, _, err := cli.ReferenceTime(refTime, cli.WallClock)
			if err != nil {
				return couldNotRun(err)
			}
			b, err := bundle.Open(args[0], bundle.VerifyOptions{Root: root, At: at})
			if err != nil {
				return couldNotRun(err)
			}
			if format == "json" {
				out, _ := json.MarshalIndent(struct {
					OK       bool             `json:"ok"`
					Problems []bundle.Problem `json:"problems"`
				}{b.OK(), append([]bundle.Problem{}, b.Problems...)}, "", "  ")
				cmd.OutOrStdout().Write(append(out, '\n'))
			}
			if !b.OK() {
				for _, p := range b.Problems {
					fmt.Fprintln(cmd.ErrOrStderr(), "FAIL "+p.String())
				}
				return failed(fmt.Errorf("bundle %s failed verification (%d problems)", args[0], len(b.Problems)))
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "OK %s: %d files verified, signer authenticated by the root key\n", args[0], len(b.Index.Items)+2)
			return nil
		},
	}
	c.Flags().StringVar(&trust, "trust", "", "the manufacturer's root public key")
	c.Flags().StringVar(&refTime, "reference-time", "", "judge certificate validity at this RFC 3339 time (default: now)")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}
