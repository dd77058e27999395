package servecmd

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/repo"
)

// New is `craudit serve`.
func New() *cobra.Command {
	var addr, tlsDir string
	cmd := &cobra.Command{
		Use:   "serve DIR",
		Short: "Serve a repository directory over HTTPS on loopback",
		Long: `serve publishes DIR over HTTPS with a CA it generates (ECDSA P-256), or the one in
--tls-dir (ca.pem, ca.key; made there when absent). It prints one JSON line
{"url": ..., "ca": PATH} on stdout and serves until interrupted.`,
		Example: `  craudit serve ./repo
  craudit serve ./repo --addr 127.0.0.1:8443 --tls-dir ./tls`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := repo.Serve(args[0], addr, tlsDir)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			defer s.Close()
			// Listen for the stop signal before announcing the URL, so a
			// harness that reads the line and then signals is never lost.
			sig := make(chan os.Signal, 1)
			signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
			defer signal.Stop(sig)
			line, _ := json.Marshal(struct {
				URL string `json:"url"`
				CA  string `json:"ca"`
			}{s.URL, s.CAPath})
			fmt.Fprintln(cmd.OutOrStdout(), string(line))
			fmt.Fprintf(cmd.ErrOrStderr(), "serving %s at %s (Ctrl-C to stop)\n", args[0], s.URL)
			select {
			case <-sig:
			case <-cmd.Context().Done():
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "listen address")
	cmd.Flags().StringVar(&tlsDir, "tls-dir", "", "directory with ca.pem and ca.key (made when absent; default: a temporary one)")
	return cmd
}
