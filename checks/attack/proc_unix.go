//go:build unix

package attack

import (
	"os/exec"
	"syscall"
)

// setGroup runs the client in its own process group, so the deadline kills
// every process it started.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
