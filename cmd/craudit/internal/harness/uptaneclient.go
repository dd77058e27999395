package harness

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/clients"
	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
)

// UptaneClientCmd is craudit's reference Uptane Primary with the
// command-line protocol of docs/uptane.md. Exit 0 success, 1 failure.
func UptaneClientCmd(tool string) *cobra.Command {
	var o verifier.Options
	var metaDir, targetDir, refTime string
	var ecus []string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "uptane-client --metadata-dir DIR (init DIRECTOR-ROOT IMAGE-ROOT | update)",
		Short: "Reference Uptane Primary for attack harnesses (protocol in docs/uptane.md)",
		Long: `uptane-client is craudit's reference Uptane Primary:
  init DIRECTOR-ROOT IMAGE-ROOT   trust the two roots (copied into --metadata-dir)
  update                          full verification (or --partial) of the Director at
                                  --director-url and the Image repository at --image-url
                                  for the ECUs given with --ecu SERIAL=HARDWARE_ID; the
                                  verified images replace --target-dir only when every
                                  step passed
State (trusted roots, versions, release counters) stays in --metadata-dir. Plain
http:// is accepted for harnesses. Time: --reference-time, else SOURCE_DATE_EPOCH,
else the wall clock. Exit 0 on success, 1 on any failure.`,
		Example: `  craudit uptane-client --metadata-dir ./md init ./director-root.json ./image-root.json
  craudit uptane-client --metadata-dir ./md --target-dir ./installed \
      --director-url https://127.0.0.1:8443/director --image-url https://127.0.0.1:8443/image \
      --ca ca.pem --ecu main-1=st100-main --ecu wifi-1=st100-wifi update`,
		Args: cobra.RangeArgs(1, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if metaDir == "" {
				return cli.Exit(cli.ExitFailed, errors.New("--metadata-dir is required"))
			}
			switch {
			case args[0] == "init" && len(args) == 3:
				if err := clients.UptaneInit(metaDir, args[1], args[2]); err != nil {
					return cli.Exit(cli.ExitFailed, err)
				}
				return nil
			case args[0] == "update" && len(args) == 1:
				for _, e := range ecus {
					serial, hw, ok := strings.Cut(e, "=")
					if !ok || serial == "" || hw == "" {
						return cli.Exit(cli.ExitFailed, fmt.Errorf("--ecu %q: want SERIAL=HARDWARE_ID", e))
					}
					o.ECUs = append(o.ECUs, primary.ECU{Serial: serial, HardwareID: hw})
				}
				at, src, err := cli.ReferenceTime(refTime, cli.HarnessClock)
				if err != nil {
					return cli.Exit(cli.ExitFailed, err)
				}
				o.ReferenceTime, o.TimeSource, o.Tool = at, src, tool
				t, err := clients.UptaneUpdate(cmd.Context(), o, metaDir, targetDir)
				if verbose && t != nil {
					fmt.Fprint(cmd.ErrOrStderr(), t.Text())
				}
				if err != nil {
					return cli.Exit(cli.ExitFailed, err)
				}
				return nil
			}
			return cli.Exit(cli.ExitFailed, fmt.Errorf("want init DIRECTOR-ROOT IMAGE-ROOT, or update"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&metaDir, "metadata-dir", "", "directory of trusted state (both roots, versions, release counters)")
	f.StringVar(&targetDir, "target-dir", "", "directory the verified images replace")
	f.StringVar(&o.RepoURL, "director-url", "", "the Director's base URL")
	f.StringVar(&o.ImageRepoURL, "image-url", "", "the Image repository's base URL (images under URL/targets/)")
	f.StringArrayVar(&ecus, "ecu", nil, "the vehicle's ECU as SERIAL=HARDWARE_ID; repeatable")
	f.BoolVar(&o.Partial, "partial", false, "partial verification, a Secondary's (Director targets only)")
	f.StringVar(&o.CAFile, "ca", "", "PEM CA for https repositories")
	f.StringArrayVar(&o.Resolve, "resolve", nil, "HOST:PORT:ADDR: dial ADDR for HOST:PORT (curl's --resolve); repeatable")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time to judge metadata at (overrides SOURCE_DATE_EPOCH)")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the transcript to stderr")
	return cmd
}
