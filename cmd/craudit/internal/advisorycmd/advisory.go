package advisorycmd

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/reports/csaf"
)

// New is `craudit advisory`; version names craudit in the documents' generator.
func New(version string) *cobra.Command {
	var trust, out, tlp, refTime string
	var force bool
	c := &cobra.Command{
		Use:   "advisory BUNDLE --trust ROOT.pub --out DIR",
		Short: "Write the release's CSAF 2.0 security advisory and CSAF VEX document",
		Long: `Verifies the bundle against the root key and writes, from its evidence, a CSAF 2.0
csaf_security_advisory (the vulnerabilities the release fixes, from its VEX 'fixed'
statements and scan) and a csaf_vex document (the release's vulnerability table with VEX
statuses, justifications as flags, impact statements as threats, action statements as
remediations) into DIR, named by the CSAF file-name rule. Each document is validated
against the CSAF 2.0 schema and mandatory tests before it is written. Dates are
--reference-time, else SOURCE_DATE_EPOCH, else the bundle's creation time: the same
bundle gives the same bytes. The publisher namespace is product.yaml's
manufacturer.website. --tlp CLEAR is written as CSAF 2.0's TLP label WHITE.
Exit 0 written, 1 the bundle does not verify, 2 could not run (nothing written).`,
		Example: `  craudit advisory bundle --trust keys/root.pub --out paperwork
  craudit advisory bundle --trust keys/root.pub --out paperwork --tlp GREEN --reference-time 2026-06-01T00:00:00Z --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return cli.Exit(cli.ExitCouldNotRun, errors.New("--out is required"))
			}
			if _, err := csaf.TLPLabel(tlp); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			if trust == "" {
				return cli.Exit(cli.ExitCouldNotRun, errors.New("--trust is required (the manufacturer's root public key)"))
			}
			root, err := keys.LoadPublic(trust)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			at, _, err := cli.ReferenceTime(refTime, cli.WallClock)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			b, err := bundle.Open(args[0], bundle.VerifyOptions{Root: root, At: at})
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			if !b.OK() {
				return cli.Exit(cli.ExitFailed, fmt.Errorf("%s: the bundle does not verify (%s); no advisory is made from unverified evidence", args[0], b.Problems[0]))
			}
			stamp := b.Index.Created
			if refTime != "" {
				stamp = at
			} else if os.Getenv("SOURCE_DATE_EPOCH") != "" {
				if stamp, _, err = cli.StampTime(); err != nil {
					return cli.Exit(cli.ExitCouldNotRun, err)
				}
			}
			in := checks.Load(b, root, at, nil)
			res, err := csaf.Build(in, csaf.Options{Stamp: stamp, TLP: tlp, ToolVersion: version})
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("%s: %w", args[0], err))
			}
			if err := csaf.Write(out, res.Files, force); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			w := cmd.ErrOrStderr()
			for _, n := range res.Notes {
				fmt.Fprintln(w, "note:", n)
			}
			for _, f := range res.Files {
				fmt.Fprintf(w, "%s: %s %s, %d vulnerabilities, %d bytes\n", f.Name, f.Category, f.TrackingID, f.Vulnerabilities, len(f.Data))
			}
			return nil
		},
	}
	c.Flags().StringVar(&trust, "trust", "", "the manufacturer's root public key")
	c.Flags().StringVar(&out, "out", "", "the folder to write the CSAF documents into (made when absent)")
	c.Flags().StringVar(&tlp, "tlp", "CLEAR", "TLP label of the documents: CLEAR, GREEN, AMBER or RED")
	c.Flags().StringVar(&refTime, "reference-time", "", "verify the bundle at this RFC 3339 time and date the documents with it (default: now; dates from SOURCE_DATE_EPOCH or the bundle)")
	c.Flags().BoolVar(&force, "force", false, "overwrite existing documents")
	return c
}
