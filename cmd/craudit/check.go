package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/judge"
	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/formats"
)

// judgeFlags are shared by check, report and dossier.
type judgeFlags struct {
	trust, policy, refTime, attackResults string
}

func (j *judgeFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&j.trust, "trust", "", "the manufacturer's root public key")
	c.Flags().StringVar(&j.policy, "policy", "", "policy.yaml: required checks, severity threshold, waivers")
	c.Flags().StringVar(&j.refTime, "reference-time", "", "judge validity at this RFC 3339 time (default: now)")
	c.Flags().StringVar(&j.attackResults, "attack-results", "", "attack results (craudit attack --format json) to judge with the bundle")
}

// judged is a judgement and what it was made from.
type judged struct {
	in   *checks.Input
	rep  *checks.Report
	root *keys.PublicKey
	at   time.Time
}

// judge runs the checks over a bundle; errors mean it could not run.
func (j *judgeFlags) judge(cmd *cobra.Command, dir string) (*judged, error) {
	root, err := loadTrust(j.trust)
	if err != nil {
		return nil, err
	}
	at, source, err := referenceTime(j.refTime)
	if err != nil {
		return nil, err
	}
	pol := checks.DefaultPolicy()
	if j.policy != "" {
		if pol, err = checks.LoadPolicy(j.policy); err != nil {
			return nil, err
		}
	}
	live := map[string][]byte{}
	if j.attackResults != "" {
		b, err := product.ReadFile(j.attackResults)
		if err != nil {
			return nil, err
		}
		live[bundle.AttackFile] = b
	}
	in, rep, err := judge.Judge(cmd.Context(), judge.Options{BundleDir: dir, Root: root, At: at, TimeSource: source,
		Policy: pol, Live: live, Checks: list.All(), Tool: checks.Tool{Name: "craudit", Version: version}, Catalogues: catalogueRefs()})
	if err != nil {
		return nil, err
	}
	return &judged{in: in, rep: rep, root: root, at: at}, nil
}

func newCheckCmd() *cobra.Command {
	var j judgeFlags
	var format, out string
	var force bool
	c := &cobra.Command{
		Use:   "check BUNDLE --trust ROOT.pub",
		Short: "Judge a bundle against the ENISA secure-update lifecycle and the CRA",
		Long: `Verifies the bundle, runs every check and applies the policy. Exit 0 when every
required check passes (or is declared, not applicable or waived), 1 when any required
check fails or lacks evidence, 2 when a check could not run or the inputs are unusable.`,
		Example: `  craudit check bundle --trust keys/root.pub
  craudit check bundle --trust keys/root.pub --policy policy.yaml --format sarif --out results.sarif`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := formats.Get(format)
			if err != nil {
				return couldNotRun(err)
			}
			jd, err := j.judge(cmd, args[0])
			if err != nil {
				return couldNotRun(err)
			}
			var buf bytes.Buffer
			if err := r.Render(&buf, reports.Collect(jd.in, jd.rep)); err != nil {
				return couldNotRun(err)
			}
			if err := writeOutput(cmd.OutOrStdout(), out, force, buf.Bytes()); err != nil {
				return couldNotRun(err)
			}
			if format != "text" || out != "" {
				s := jd.rep.Summary
				fmt.Fprintf(cmd.ErrOrStderr(), "%d pass, %d fail, %d missing, %d declared, %d waived, %d error: %s\n",
					s.Pass, s.Fail, s.Missing, s.Declared, s.Waived, s.Error, jd.rep.Outcome)
			}
			return exitCode(jd.rep.ExitCode())
		},
	}
	j.register(c)
	c.Flags().StringVar(&format, "format", "text", "output format: "+fmt.Sprint(formats.Names()))
	c.Flags().StringVar(&out, "out", "", "write the output to this file instead of stdout")
	c.Flags().BoolVar(&force, "force", false, "overwrite --out")
	return c
}
