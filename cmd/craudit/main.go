package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	// An interrupt or a termination request (CI cancelling a job) cancels the
	// context: staged outputs are removed, nothing partial stays.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "craudit: "+oneLine(ee.err))
		}
		return ee.code
	}
	// Cobra's own errors are usage errors.
	fmt.Fprintln(stderr, "craudit: "+oneLine(err))
	return 2
}

func oneLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i] + " (…)"
		}
	}
	return s
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "craudit",
		Short: "Evidence and judgement of a software-update release for the EU Cyber Resilience Act",
		Long: `craudit bundles an update release with its evidence (SBOM, vulnerabilities, VEX,
provenance, signed device manifest), checks it against the ENISA seven-step
secure-update lifecycle and the CRA, verifies live update repositories, and
renders a signed Annex VII evidence dossier.

Exit codes: 0 passed, 1 noncompliant or verification failure, 2 could not run.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Commands as a plain list: one line each, no init() registration.
	for _, c := range []*cobra.Command{
		newVersionCmd(),
		newKeysCmd(),
		newBundleCmd(),
		newCheckCmd(),
		newDossierCmd(),
		newReportCmd(),
		newDemoCmd(),
		newDocsCmd(),
		newAttackCmd(),
		newVerifyCmd(),
		newServeCmd(),
		newRepoCmd(),
		newTUFClientCmd(),
		newMappingsCmd(),
		newInitCmd(),
		newManifestClientCmd(),
		newSBOMCmd(),
		newProvenanceCmd(),
	} {
		root.AddCommand(c)
	}
	return root
}

// exitError carries an exit code to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// couldNotRun is exit 2: bad usage, unreadable or malformed input.
func couldNotRun(err error) error { return &exitError{code: 2, err: err} }

// failed is exit 1: the thing judged is noncompliant; msg is printed when non-empty.
func failed(err error) error { return &exitError{code: 1, err: err} }

// exitCode ends with a code and no further message (the command printed its own).
func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &exitError{code: code}
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print craudit's version",
		Example: "  craudit version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "craudit "+version)
			return nil
		},
	}
}
