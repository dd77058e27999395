package main

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/judge"
	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/formats"
)

// judgeFlags are shared by check, report and dossier.
type judgeFlags struct {
	trust, policy, refTime, attackResults string
	repo, repoTrust, ca                   string
}

func (j *judgeFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&j.trust, "trust", "", "the manufacturer's root public key")
	c.Flags().StringVar(&j.policy, "policy", "", "policy.yaml: required checks, severity threshold, waivers")
	c.Flags().StringVar(&j.refTime, "reference-time", "", "judge validity at this RFC 3339 time (default: now)")
	c.Flags().StringVar(&j.attackResults, "attack-results", "", "attack results (craudit attack --format json) to judge with the bundle")
	c.Flags().StringVar(&j.repo, "repo", "", "verify this live update repository now and judge its transcript (live evidence)")
	c.Flags().StringVar(&j.repoTrust, "repo-trust", "", "the repository's trust file: a TUF root.json or a root public key (default: --trust)")
	c.Flags().StringVar(&j.ca, "ca", "", "the CA the repository's TLS certificate must chain to (default: system roots)")
}

// gather returns the live-evidence step for --repo, or nil.
func (j *judgeFlags) gather(source string) func(ctx context.Context, in *checks.Input) error {
	if j.repo == "" {
		return nil
	}
	trust := j.repoTrust
	if trust == "" {
		trust = j.trust
	}
	return func(ctx context.Context, in *checks.Input) error {
		_, err := verifiercheck.Gather(ctx, in, verifiercheck.GatherOptions{RepoURL: j.repo, TrustFile: trust, CAFile: j.ca,
			TimeSource: source, Tool: "craudit " + version})
		if err != nil {
			return fmt.Errorf("--repo %s: %w", j.repo, err)
		}
		return nil
	}
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
	at, source, err := cli.ReferenceTime(j.refTime, cli.WallClock)
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
		Policy: pol, Live: live, Checks: list.All(), Tool: checks.Tool{Name: "craudit", Version: version}, Catalogues: list.CatalogueRefs(mappings.MustLoad()),
		Gather: j.gather(source)})
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
				fmt.Fprintln(cmd.ErrOrStderr(), jd.rep.SummaryLine())
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
