package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/cmd/craudit/internal/harness"
)

// version is set at build time with -ldflags "-X main.version=...", as for craudit.
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, newRoot(), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "craudit-client",
		Short: "craudit's protocol clients (tuf-client, manifest-client) without the rest of craudit",
		Long: `craudit-client runs craudit's test-protocol clients with a fast start: the same
tuf-client and manifest-client as craudit, built without the SBOM and scanning
libraries. Exit 0 success, 1 any failure (the protocols).`,
		Example: `  craudit-client tuf-client --metadata-dir ./md init ./root.json
  craudit attack --client 'craudit-client tuf-client'`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		&cobra.Command{
			Use: "version", Short: "Print the version", Example: "  craudit-client version", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				fmt.Fprintln(cmd.OutOrStdout(), "craudit "+version)
				return nil
			},
		},
		harness.TUFClientCmd("craudit "+version),
		harness.ManifestClientCmd("craudit "+version),
		harness.UptaneClientCmd("craudit "+version),
	)
	return root
}
