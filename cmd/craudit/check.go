package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/judge"
	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/mappings"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/formats"
)

// judgeFlags are shared by check, report and dossier.
type judgeFlags struct {
	trust, policy, refTime, attackResults, transcript string
	repo, repoTrust, ca                               string
	seal                                              func(in *checks.Input) error // dossier: sign a --repo transcript
}

func (j *judgeFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&j.trust, "trust", "", "the manufacturer's root public key")
	c.Flags().StringVar(&j.policy, "policy", "", "policy.yaml: required checks, severity threshold, waivers")
	c.Flags().StringVar(&j.refTime, "reference-time", "", "judge validity at this RFC 3339 time (default: now)")
	c.Flags().StringVar(&j.attackResults, "attack-results", "", "signed attack results (craudit attack --signing-key) to judge with the bundle")
	c.Flags().StringVar(&j.transcript, "transcript", "", "a signed verifier transcript (craudit verify --signing-key) to judge with the bundle")
	c.Flags().StringVar(&j.repo, "repo", "", "verify this live update repository now and judge its transcript (live evidence)")
	c.Flags().StringVar(&j.repoTrust, "repo-trust", "", "the repository's trust file: a TUF root.json or a root public key (default: --trust)")
	c.Flags().StringVar(&j.ca, "ca", "", "the CA the repository's TLS certificate must chain to (default: system roots)")
}

// gather returns the live-evidence step for --repo, or nil.
func (j *judgeFlags) gather(source string) func(ctx context.Context, in *checks.Input) error {
	if j.repo == "" {
		return nil
	}
	return verifiercheck.Hook(verifiercheck.GatherOptions{RepoURL: j.repo, TrustFile: cmp.Or(j.repoTrust, j.trust), CAFile: j.ca,
		TimeSource: source, Tool: "craudit " + version}, j.seal)
}

// judged is a judgement and the policy.yaml it used (nil: the default).
type judged struct {
	in     *checks.Input
	rep    *checks.Report
	policy []byte
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
	pol, polBytes, err := judge.Policy(j.policy)
	if err != nil {
		return nil, err
	}
	live, err := judge.LiveFiles{Transcript: j.transcript, AttackResults: j.attackResults, Repo: j.repo}.Read()
	if err != nil {
		return nil, err
	}
	in, rep, err := judge.Judge(cmd.Context(), judge.Options{BundleDir: dir, Root: root, At: at, TimeSource: source,
		Policy: pol, Live: live, Checks: list.All(), Tool: checks.Tool{Name: "craudit", Version: version}, Catalogues: list.CatalogueRefs(mappings.MustLoad()),
		Gather: j.gather(source)})
	if err != nil {
		return nil, err
	}
	return &judged{in: in, rep: rep, policy: polBytes}, nil
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
check fails or lacks evidence, 2 when a check could not run or the inputs are unusable.
--transcript and --attack-results count only as attestations (verify|attack
--signing-key) by a key the root key certifies, of what product.yaml declares.`,
		Example: `  craudit check bundle --trust keys/root.pub
  craudit check bundle --trust keys/root.pub --transcript transcript.intoto.json --attack-results attack-results.intoto.json
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
