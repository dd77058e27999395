package inspectcmd

import "github.com/craudit/craudit/cmd/craudit/internal/cli"

func couldNotRun(err error) error { return cli.Exit(cli.ExitCouldNotRun, err) }
func exitCode(code int) error     { return cli.Exit(code, nil) }
