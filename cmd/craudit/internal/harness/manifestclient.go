package harness

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/clients"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
)

// ManifestClientCmd is the reference updater of the manifest profile, in
// the protocol `attack` drives: exit 0 means installed into OUT/slot with the
// state updated, 1 any failure.
func ManifestClientCmd(tool string) *cobra.Command {
	var o verifier.Options
	var out, refTime string
	var verbose bool
	var rep reportFlags
	cmd := &cobra.Command{
		Use:   "manifest-client --trust ROOT.pub --ca CA.pem --state DIR --repo URL --installed-version V --out DIR update",
		Short: "Reference updater for the ENISA manifest profile (attack-scenario protocol)",
		Long: `manifest-client does what a device does with a manifest-profile repository:
fetch manifest.json, its signature and the vendor certificate, verify the chain to
the root key, freshness, applicability and anti-rollback (--installed-version and
the counter kept in --state), download and check every artefact, then install them
all at once into OUT/slot and raise the stored counter. Nothing is installed when
any step fails. Time: --reference-time, else SOURCE_DATE_EPOCH, else the wall clock.
With --device-key, --report-dir and --unit it writes one signed device status
report after the attempt (success, failure, or refused-attack naming the control
that refused; counter kept in STATE/report-counter), for craudit fleet ingest.
Exit 0 installed, 1 any failure.`,
		Example: `  craudit manifest-client --trust root.pub --ca ca.pem --state ./state --repo https://127.0.0.1:8443 \
      --installed-version 1.0.0 --out ./device update
  craudit manifest-client --trust root.pub --ca ca.pem --state ./state --repo https://127.0.0.1:8443 \
      --installed-version 1.0.0 --out ./device --device-key device.key --unit TH-0001 --report-dir ./reports update`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "update" {
				return cli.Exit(cli.ExitFailed, fmt.Errorf("unknown command %q (want update)", args[0]))
			}
			var err error
			if o.ReferenceTime, o.TimeSource, err = cli.ReferenceTime(refTime, cli.HarnessClock); err != nil {
				return cli.Exit(cli.ExitFailed, err)
			}
			o.Tool = tool
			if err := rep.check(&o); err != nil {
				return cli.Exit(cli.ExitFailed, err)
			}
			t, err := clients.ManifestUpdate(cmd.Context(), o, out)
			if verbose && t != nil {
				fmt.Fprint(cmd.ErrOrStderr(), t.Text())
			}
			if werr := rep.write(cmd.ErrOrStderr(), o, t, err); werr != nil {
				return cli.Exit(cli.ExitFailed, werr)
			}
			if err != nil {
				return cli.Exit(cli.ExitFailed, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "installed into %s\n", filepath.Join(out, clients.SlotDir))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.TrustFile, "trust", "", "root public key (PEM)")
	f.StringVar(&o.CAFile, "ca", "", "PEM CA the repository's certificate must chain to")
	f.StringVar(&o.StateDir, "state", "", "device state directory (stored rollback counter)")
	f.StringVar(&o.RepoURL, "repo", "", "repository base URL")
	f.StringVar(&o.InstalledVersion, "installed-version", "", "version the device runs now")
	f.StringVar(&o.Product, "product", "", "device product ID (applicability; default: STATE/device.json)")
	f.StringVar(&o.HardwareID, "hardware-id", "", "device hardware ID (applicability; default: STATE/device.json)")
	f.StringVar(&out, "out", "", "device directory; artefacts are installed into OUT/slot")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time to judge the manifest at")
	f.BoolVar(&o.AllowInsecureHTTPUnsafe, "allow-insecure-http", false, "accept plain http (a failed control: the update is refused)")
	f.DurationVar(&o.Timeout, "timeout", 0, "overall deadline for all downloads (default 2m)")
	f.StringArrayVar(&o.Resolve, "resolve", nil, "HOST:PORT:ADDR[:PORT2]: dial ADDR for HOST:PORT (given by the harness under a declared name)")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the transcript to stderr")
	f.StringVar(&rep.key, "device-key", "", "device's Ed25519 key (PEM PKCS#8): write a signed device status report after the attempt (needs --report-dir and --unit)")
	f.StringVar(&rep.dir, "report-dir", "", "folder the signed device report goes to (UNIT-COUNTER.report)")
	f.StringVar(&rep.unit, "unit", "", "the device's unit ID, as the device registry names it")
	f.StringVar(&rep.campaign, "campaign", "", "update campaign ID to put in the report")
	return cmd
}
