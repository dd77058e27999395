package inspectcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/mappings"
)

// MappingsCmd is `craudit mappings`: listing the embedded catalogues.
func MappingsCmd() *cobra.Command {
	var catalogue, format string
	cmd := &cobra.Command{
		Use:   "mappings",
		Short: "List the requirement catalogues and the checks mapped to each entry",
		Long: `Prints the embedded catalogues craudit maps its checks to: the ENISA secure
update advisory (steps, trust domains, delivery models, recommendations; the
ones not known to craudit are shown as unknown), the CRA (Annex I Parts I and
II, Annex II, Annex VII, Articles 13 and 14), BSI TR-03183-2, NTIA minimum
elements, draft ETSI EN 304 621 and STRIDE. Each entry has its edition, source,
a short paraphrase and the IDs of the checks that serve it; each check says
whether it enforces a CRA mandate or a practice.`,
		Example: `  craudit mappings
  craudit mappings --catalogue cra
  craudit mappings --catalogue enisa-secure-updates --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return couldNotRun(fmt.Errorf("--format %q: want text or json", format))
			}
			set, err := mappings.Load()
			if err != nil {
				return couldNotRun(err)
			}
			l, err := set.Listing(catalogue, list.MappingRefs())
			if err != nil {
				return couldNotRun(err)
			}
			if format == "json" {
				b, err := l.JSON()
				if err != nil {
					return couldNotRun(err)
				}
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			return l.WriteText(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&catalogue, "catalogue", "", "only this catalogue: cra, enisa-secure-updates (or enisa), bsi-tr-03183-2, ntia, etsi-en-304-621, stride")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}
