package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/list"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/mappings"
)

// generatedDocs returns the documentation files generated from the code, so
// they cannot drift from it: the CLI reference (and more as areas add theirs).
func generatedDocs() map[string][]byte {
	return map[string][]byte{
		"cli.md":    cli.Reference(newRoot()),
		"checks.md": list.CatalogueMarkdown(mappings.MustLoad()),
	}
}

func newDocsCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:     "docs --out DIR",
		Short:   "Regenerate the generated documentation (CLI reference, catalogues)",
		Example: "  craudit docs --out docs",
		Hidden:  true,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for name, data := range generatedDocs() {
				if err := atomicfs.WriteFile(filepath.Join(out, name), data, 0o644, true); err != nil {
					return couldNotRun(err)
				}
				fmt.Fprintln(cmd.ErrOrStderr(), "wrote "+filepath.Join(out, name))
			}
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "docs", "the docs folder")
	return c
}
