//go:build unix

package attack

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// setGroup runs the client in its own process group, so the deadline kills
// every process it started.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// shmDir is where glibc keeps POSIX named semaphores and shared memory.
const shmDir = "/dev/shm"

// releaseFaketime removes the named semaphore and shared memory the
// faketime wrapper with process id pid made for its children's shared
// clock (faketime 0.9: /faketime_sem_PID, /faketime_shm_PID). The wrapper
// removes them itself when its program exits, but not when the deadline
// kills its process group: they would stay in /dev/shm, and a later
// faketime that gets the same pid fails to create them. Called once the
// wrapper is reaped; nothing to remove is no error.
func releaseFaketime(pid int) {
	os.Remove(filepath.Join(shmDir, fmt.Sprintf("sem.faketime_sem_%d", pid)))
	os.Remove(filepath.Join(shmDir, fmt.Sprintf("faketime_shm_%d", pid)))
}
