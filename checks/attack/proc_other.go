//go:build !unix

package attack

import "os/exec"

func setGroup(cmd *exec.Cmd) {}
