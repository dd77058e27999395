package harness

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/clients"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
)

// TUFClientCmd is the client-under-test CLI of the tuf-conformance suite,
// driving the reference verifier's TUF workflow. Exit 0 success, 1 failure.
func TUFClientCmd(tool string) *cobra.Command {
	var metaDir, metaURL, targetBase, targetDir, refTime, ca string
	var targetNames []string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "tuf-client --metadata-dir DIR (init ROOT | refresh | download)",
		Short: "TUF client for the tuf-conformance test protocol",
		Long: `tuf-client speaks the tuf-conformance client-under-test protocol, so the public
conformance suite can exercise craudit's TUF verifier:
  init ROOT    trust ROOT (copied to DIR/root.json)
  refresh      update metadata from --metadata-url, kept in DIR
  download     refresh, then fetch each --target-name (repeatable; in order, one
               updater instance, stopping at the first failure) from
               --target-base-url into --target-dir
Plain http:// is accepted here (the suite serves it). Time: --reference-time, else
SOURCE_DATE_EPOCH (Go ignores libfaketime), else the wall clock.
Exit 0 on success, 1 on any failure.`,
		Example: `  craudit tuf-client --metadata-dir ./md init ./root.json
  craudit tuf-client --metadata-dir ./md --metadata-url http://127.0.0.1:8000/metadata refresh
  craudit tuf-client --metadata-dir ./md --metadata-url http://127.0.0.1:8000/metadata \
      --target-name a.txt --target-name dir/b.txt --target-base-url http://127.0.0.1:8000/targets --target-dir ./out download`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if metaDir == "" {
				return cli.Exit(cli.ExitFailed, errors.New("--metadata-dir is required"))
			}
			switch args[0] {
			case "init":
				if len(args) != 2 {
					return cli.Exit(cli.ExitFailed, errors.New("init needs ROOT"))
				}
				if err := clients.TUFInit(metaDir, args[1]); err != nil {
					return cli.Exit(cli.ExitFailed, err)
				}
				return nil
			case "refresh", "download":
				if len(args) != 1 || metaURL == "" {
					return cli.Exit(cli.ExitFailed, errors.New(args[0]+" needs --metadata-url and no other argument"))
				}
				o := clients.TUFOptions{MetadataDir: metaDir, MetadataURL: metaURL, CAFile: ca, Download: args[0] == "download"}
				if o.Download {
					o.TargetNames, o.TargetBaseURL, o.TargetDir = targetNames, targetBase, targetDir
				}
				at, src, err := cli.ReferenceTime(refTime, cli.HarnessClock)
				if err != nil {
					return cli.Exit(cli.ExitFailed, err)
				}
				o.Verifier = verifier.Options{ReferenceTime: at, TimeSource: src, Tool: tool}
				t, err := clients.TUFUpdate(cmd.Context(), o)
				if verbose && t != nil {
					fmt.Fprint(cmd.ErrOrStderr(), t.Text())
				}
				if err != nil {
					return cli.Exit(cli.ExitFailed, err)
				}
				return nil
			}
			return cli.Exit(cli.ExitFailed, fmt.Errorf("unknown command %q (want init, refresh or download)", args[0]))
		},
	}
	f := cmd.Flags()
	f.StringVar(&metaDir, "metadata-dir", "", "directory of trusted metadata (root.json ...)")
	f.StringVar(&metaURL, "metadata-url", "", "base URL of the repository's metadata")
	f.StringArrayVar(&targetNames, "target-name", nil, "target path to download; repeatable, processed in order")
	f.StringVar(&targetBase, "target-base-url", "", "base URL of the repository's targets")
	f.StringVar(&targetDir, "target-dir", "", "directory the verified target is written to")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time to judge metadata at (overrides SOURCE_DATE_EPOCH)")
	f.StringVar(&ca, "ca", "", "PEM CA for an https repository (not part of the protocol)")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the transcript to stderr")
	return cmd
}
