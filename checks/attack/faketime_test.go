//go:build linux

package attack

import (
	"github.com/craudit/craudit/fixtures/shared"

	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A client run under faketime leaves nothing in /dev/shm: neither when it
// exits by itself (faketime removes its semaphore and shared memory) nor
// when the deadline kills its process group (the harness removes them).
// The client records its parent, the faketime wrapper, and whether the
// wrapper's semaphore existed while it ran, so the test knows the names to
// look for and that faketime really wrapped it.
func TestFaketimeLeavesNoSharedMemory(t *testing.T) {
	shared.NeedTools(t, "faketime")
	dir := t.TempDir()
	script := filepath.Join(dir, "client.sh")
	if err := os.WriteFile(script, []byte(`#!/bin/sh
if [ -e /dev/shm/sem.faketime_sem_$PPID ]; then echo "$PPID present" >> "$PIDS"; else echo "$PPID absent" >> "$PIDS"; fi
if [ "$MODE" = hang ]; then sleep 120; fi
exit 1
`), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"exit", "hang"} {
		t.Run(mode, func(t *testing.T) {
			pids := filepath.Join(t.TempDir(), "pids")
			o := testOptions("sh "+QuoteWord(script), ProfileManifest)
			o.NoFaketime = false
			// Long enough for the client to start on a loaded machine;
			// the hanging one is killed at it.
			o.Deadline = 20 * time.Second
			o.Scenarios = []string{"manifest-valid-update"}
			o.Env = []string{"MODE=" + mode, "PIDS=" + pids}
			if _, err := Run(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(pids)
			if err != nil {
				t.Fatalf("the client did not run: %v", err)
			}
			lines := strings.Fields(strings.ReplaceAll(string(b), "\n", " "))
			if len(lines) == 0 || len(lines)%2 != 0 {
				t.Fatalf("client record %q", b)
			}
			for i := 0; i < len(lines); i += 2 {
				pid, seen := lines[i], lines[i+1]
				if seen != "present" {
					t.Errorf("run under wrapper %s: no faketime semaphore while it ran (%s): was it wrapped?", pid, seen)
				}
				for _, name := range []string{"sem.faketime_sem_" + pid, "faketime_shm_" + pid} {
					if _, err := os.Stat(filepath.Join("/dev/shm", name)); err == nil {
						t.Errorf("%s: /dev/shm/%s left behind", mode, name)
						os.Remove(filepath.Join("/dev/shm", name))
					}
				}
			}
		})
	}
}
