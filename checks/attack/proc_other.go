//go:build !unix

package attack

import "os/exec"

func setGroup(cmd *exec.Cmd) {}

func releaseFaketime(pid int) {}
