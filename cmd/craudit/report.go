package main

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/formats"
)

func newReportCmd() *cobra.Command {
	var j judgeFlags
	var format, out string
	var force bool
	c := &cobra.Command{
		Use:   "report BUNDLE --trust ROOT.pub --format FORMAT --out FILE",
		Short: "Render one report format of a judged bundle",
		Long: `Judges the bundle like 'check' and writes one format to --out. Evidence links are
relative to the bundle folder. Exit codes are the judgement's, as for 'check'.`,
		Example: `  craudit report bundle --trust keys/root.pub --format html --out report.html
  craudit report bundle --trust keys/root.pub --format pdf --out dossier.pdf --reference-time 2026-06-01T00:00:00Z
  craudit report bundle --trust keys/root.pub --format oscal --out results.oscal.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return couldNotRun(fmt.Errorf("--out is required"))
			}
			r, err := formats.Get(format)
			if err != nil {
				return couldNotRun(err)
			}
			jd, err := j.judge(cmd, args[0])
			if err != nil {
				return couldNotRun(err)
			}
			d := reports.Collect(jd.in, jd.rep)
			d.EvidencePrefix = args[0] + "/"
			var buf bytes.Buffer
			if err := r.Render(&buf, d); err != nil {
				return couldNotRun(err)
			}
			if err := writeOutput(cmd.OutOrStdout(), out, force, buf.Bytes()); err != nil {
				return couldNotRun(err)
			}
			fmt.Fprintln(cmd.ErrOrStderr(), jd.rep.SummaryLine())
			return exitCode(jd.rep.ExitCode())
		},
	}
	j.register(c)
	c.Flags().StringVar(&format, "format", "html", "report format: "+fmt.Sprint(formats.Names()))
	c.Flags().StringVar(&out, "out", "", "the file to write")
	c.Flags().BoolVar(&force, "force", false, "overwrite --out")
	return c
}
