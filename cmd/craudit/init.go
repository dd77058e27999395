package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/starter"
	"github.com/craudit/craudit/mappings"
)

func newInitCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write commented product.yaml, answers.yaml and policy.yaml to start a self-assessment",
		Long: `Writes three commented files into DIR (default: the current folder):
product.yaml (the product, its support period and contacts), answers.yaml (one
open declaration per control no tool can observe, saying what it asks and
which CRA and ENISA items it serves) and policy.yaml (what must pass).
Fill them in, bundle a release, and craudit check lists what is still open.
Existing files are never replaced without --force.`,
		Example: `  craudit init
  craudit init compliance/
  craudit init compliance/ --force`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			set, err := mappings.Load()
			if err != nil {
				return couldNotRun(err)
			}
			written, err := starter.Write(dir, set, force)
			if err != nil {
				return couldNotRun(err)
			}
			for _, p := range written {
				fmt.Fprintln(cmd.ErrOrStderr(), "wrote "+p)
			}
			fmt.Fprintln(cmd.ErrOrStderr(), "next: fill them in, then `craudit bundle ... --product product.yaml --answers answers.yaml` and `craudit check BUNDLE --trust ROOT.pub --policy policy.yaml`")
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace existing files")
	return cmd
}
