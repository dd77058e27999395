package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/producers"
	"github.com/craudit/craudit/fixtures/demo"
	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports/formats"
)

func newDemoCmd() *cobra.Command {
	var out string
	var force bool
	c := &cobra.Command{
		Use:   "demo [--out DIR] [--force]",
		Short: "Run the whole pipeline on the built-in thermostat example, offline",
		Long: `Makes demo-only keys (from a published seed), thermostat firmware 1.0.0 and 1.0.1,
bundles release 1.0.1 with its SBOM, vulnerability scan and VEX, judges it and writes the
signed dossier. Prints the dossier's path. It judges at SOURCE_DATE_EPOCH when set, so
two runs with the same value give identical results.json, index.html and dossier.md.
Exit 0 when the pipeline ran (whatever the judgement), 2 when it could not.`,
		Example: `  craudit demo --out ./craudit-demo --force
  SOURCE_DATE_EPOCH=1795000000 craudit demo --out /tmp/demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, source, err := cli.StampTime()
			if err != nil {
				return couldNotRun(err)
			}
			if miss := demo.UpdaterTools(); len(miss) > 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "note: not installed:", miss, "- the thermostat's own updater is not attacked (its results will be missing)")
			}
			exe, err := os.Executable()
			if err != nil {
				return couldNotRun(err)
			}
			// craudit's own updaters face the attack scenarios.
			prog := attack.QuoteWord(leanClient(exe))
			self := map[attack.Profile]string{attack.ProfileTUF: prog + " tuf-client", attack.ProfileManifest: prog + " manifest-client",
				attack.ProfileUptane: prog + " uptane-client"}
			res, err := demo.Run(cmd.Context(), demo.Options{
				Out: out, Force: force, Now: now, TimeSource: source,
				Tool: checks.Tool{Name: "craudit", Version: version}, Make: producers.Default(producerTool),
				Checks: list.All(), Catalogues: list.CatalogueRefs(mappings.MustLoad()), Renderers: formats.Dossier(),
				Live: demo.LiveRepo("craudit "+version, now, source, self),
			})
			if err != nil {
				return couldNotRun(err)
			}
			w := cmd.ErrOrStderr()
			fmt.Fprintf(w, "demo release %s of %s judged at %s (%s)\n", res.Report.Subject.Version, res.Report.Subject.ProductName,
				res.Report.ReferenceTime.Format("2006-01-02T15:04:05Z"), source)
			fmt.Fprintln(w, "checks: "+res.Report.SummaryLine())
			fmt.Fprintf(w, "keys: %s (DEMO ONLY)\nbundle: %s\n", res.Layout.Keys, res.Layout.Bundle)
			fmt.Fprintf(w, "units: %s (%s)\n", res.Units.SummaryLine(), filepath.Join(res.Layout.Units, demo.UnitsReportText))
			fmt.Fprintf(w, "paperwork: %s (CSAF advisory and CSAF VEX; Art. 14 early-warning draft for %s, not sent; declaration of conformity; user information)\n", res.Layout.Paperwork, demo.NotifiedVulnerability)
			fmt.Fprintln(cmd.OutOrStdout(), filepath.Join(res.Layout.Dossier, "index.html"))
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "./craudit-demo", "the folder to write the demo into")
	c.Flags().BoolVar(&force, "force", false, "replace an existing demo folder")
	return c
}

// leanClient is craudit-client beside exe when it is there and reports the
// same version (make build puts it there): the same protocol clients with a
// fast start. Otherwise exe itself.
func leanClient(exe string) string {
	lean := filepath.Join(filepath.Dir(exe), "craudit-client")
	out, err := exec.Command(lean, "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "craudit "+version {
		return exe
	}
	return lean
}
