package inspectcmd

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/sbomreq"
	"github.com/craudit/craudit/evidence/sbom"
)

// SBOMCmd is `craudit sbom`: judging one SBOM against BSI TR-03183-2 or NTIA.
func SBOMCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sbom",
		Short: "Work with SBOMs",
		Example: `  craudit sbom check release.cdx.json
  craudit sbom check --standard ntia --format json vendor.spdx.json`,
	}
	cmd.AddCommand(newSBOMCheckCmd())
	return cmd
}

func newSBOMCheckCmd() *cobra.Command {
	var standard, format string
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Judge an SBOM against BSI TR-03183-2 v2.1.0 or the NTIA minimum elements",
		Long: `Reads a CycloneDX SBOM (JSON 1.2 and later, or XML) or an SPDX SBOM (JSON 2.2 and
2.3, or SPDX 3.0 JSON-LD) and judges every requirement of the standard on the
document and on each component, the primary component (CycloneDX
metadata.component) and everything nested under it included. Each result names
the requirement's catalogue ID (bsi-tr-03183-2/<field>, ntia/<element>). A format
older than the standard asks for (BSI: CycloneDX 1.6, SPDX 3.0.1) is a gap, not an
error.

Statuses: pass, fail, not-given (an additional field, required only where the
information exists, or an optional one, is absent: reported, not failed), advice
(a recommendation is missed, e.g. a timestamp not in UTC), not-applicable (a file
field on a logical component, BSI TR-03183-2 section 3.2.2). Only fail makes the
SBOM not conformant. Text output gives counts per requirement, then the gaps and
the advice; JSON output (schema ` + sbomreq.Schema + `) lists every result.

Exit codes: 0 conformant, 1 gaps found, 2 the file is unreadable or not an SBOM.`,
		Example: `  craudit sbom check bundle/sbom.cdx.json
  craudit sbom check vendor.cdx.xml
  craudit sbom check --standard ntia vendor.spdx.json
  craudit sbom check --format json sbom.cdx.json > sbom-check.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return couldNotRun(fmt.Errorf("--format %q: want text or json", format))
			}
			if _, err := sbomreq.Requirements(standard); err != nil {
				return couldNotRun(fmt.Errorf("--standard: %w", err))
			}
			doc, _, err := sbom.ReadFile(args[0])
			if err != nil {
				if errors.Is(err, sbom.ErrUnreadable) {
					return couldNotRun(err)
				}
				return couldNotRun(err)
			}
			rep, err := sbomreq.Check(doc, standard)
			if err != nil {
				return couldNotRun(err)
			}
			rep.File = filepath.Base(args[0])
			out := cmd.OutOrStdout()
			if format == "json" {
				if err := rep.WriteJSON(out); err != nil {
					return couldNotRun(err)
				}
			} else if err := rep.WriteText(out); err != nil {
				return couldNotRun(err)
			}
			if !rep.Conformant {
				return exitCode(1)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&standard, "standard", sbomreq.StandardBSI, "bsi-tr-03183-2 or ntia")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}
