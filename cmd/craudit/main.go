package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/cmd/craudit/internal/advisorycmd"
	"github.com/craudit/craudit/cmd/craudit/internal/artefactcmd"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/cmd/craudit/internal/dbcmd"
	"github.com/craudit/craudit/cmd/craudit/internal/fleetcmd"
	"github.com/craudit/craudit/cmd/craudit/internal/harness"
	"github.com/craudit/craudit/cmd/craudit/internal/hugeheap"
	"github.com/craudit/craudit/cmd/craudit/internal/inspectcmd"
	"github.com/craudit/craudit/cmd/craudit/internal/paperworkcmd"
	"github.com/craudit/craudit/cmd/craudit/internal/servecmd"
	"github.com/craudit/craudit/cmd/craudit/internal/uptanecmd"
	"github.com/craudit/craudit/evidence/bundle/sha512sys"
	"github.com/craudit/craudit/evidence/producers"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// producerTool names craudit in the evidence it produces.
var producerTool = producers.Tool{Name: "craudit", Version: version}

func main() {
	// Before anything allocates: the heap's first gigabyte of address space
	// takes transparent huge pages where the kernel leaves that to the
	// program (half the time of check and report went to page faults).
	hugeheap.Prepare()
	// An interrupt or a termination request (CI cancelling a job) cancels the
	// context: staged outputs are removed, nothing partial stays.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Execute(ctx, newRoot(), args, stdout, stderr)
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
		servecmd.New(),
		newRepoCmd(),
		harness.TUFClientCmd("craudit " + version),
		inspectcmd.MappingsCmd(),
		newInitCmd(),
		advisorycmd.New(version),
		harness.ManifestClientCmd("craudit " + version),
		harness.UptaneClientCmd("craudit " + version),
		inspectcmd.SBOMCmd(),
		inspectcmd.ProvenanceCmd(),
		dbcmd.New(),
		uptanecmd.New(),
		fleetcmd.New(),
		artefactcmd.New(),
		paperworkcmd.NotifyCmd(checks.Tool{Name: "craudit", Version: version}),
		paperworkcmd.DeclarationCmd(checks.Tool{Name: "craudit", Version: version}),
		paperworkcmd.UserInfoCmd(),
	} {
		root.AddCommand(c)
	}
	return root
}

// couldNotRun is exit 2: bad usage, unreadable or malformed input.
func couldNotRun(err error) error { return cli.Exit(cli.ExitCouldNotRun, err) }

// failed is exit 1: the thing judged is noncompliant; err is printed.
func failed(err error) error { return cli.Exit(cli.ExitFailed, err) }

// exitCode ends with a code and no further message (the command printed its own).
func exitCode(code int) error { return cli.Exit(code, nil) }

func newVersionCmd() *cobra.Command {
	var verbose bool
	c := &cobra.Command{
		Use:   "version",
		Short: "Print craudit's version",
		Long: "Prints craudit's version; --verbose adds the Go toolchain and the SHA-512\n" +
			"implementation the bundle hashes with (the system's OpenSSL libcrypto when it\n" +
			"loads and passes its self-test, Go's crypto/sha512 otherwise).",
		Example: "  craudit version\n  craudit version --verbose",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			fmt.Fprintln(out, "craudit "+version)
			if verbose {
				fmt.Fprintf(out, "go: %s %s/%s\nsha512: %s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, sha512sys.Provider())
			}
			return nil
		},
	}
	c.Flags().BoolVar(&verbose, "verbose", false, "also print the Go toolchain and the SHA-512 implementation")
	return c
}
