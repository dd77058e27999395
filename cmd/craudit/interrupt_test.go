package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startCraudit starts the test binary as craudit with args (TestMain makes a
// re-executed test binary act as the CLI).
func startCraudit(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// waitForStaging waits until a staging folder of out holds an artefact
// being written, i.e. the command is mid-write.
func waitForStaging(t *testing.T, out string) bool {
	return waitForStagingFile(t, out, filepath.Join("artefacts", "*"))
}

// waitForStagingFile waits until a file matching pattern inside a staging
// folder of out is being written.
func waitForStagingFile(t *testing.T, out, pattern string) bool {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*", pattern))
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && st.Size() > 0 {
				return true
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// TestInterruptedBundleKeepsPreviousOutput kills `bundle --force` while it
// writes a large artefact over an existing bundle: the previous bundle must
// stay intact and verifiable, and nothing half-written may appear at --out.
func TestInterruptedBundleKeepsPreviousOutput(t *testing.T) {
	in := newReleaseInputs(t)
	out := filepath.Join(t.TempDir(), "bundle")
	if code, _, stderr := craudit(t, in.bundleArgs(out, nil)...); code != 0 {
		t.Fatalf("first bundle: exit %d: %s", code, stderr)
	}
	before, err := os.ReadFile(filepath.Join(out, "bundle.json"))
	if err != nil {
		t.Fatal(err)
	}
	// A large artefact (sparse on disk) keeps the copy busy long enough.
	big := filepath.Join(t.TempDir(), "firmware.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, stderr := startCraudit(t, in.bundleArgs(out, map[string]string{"--artefact": big}, "--force")...)
			if !waitForStaging(t, out) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("bundle never started writing: %s", stderr)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			if sig != syscall.SIGKILL {
				// Handled: the command stops with exit 2 and one line, and
				// removes its staging folder.
				if code != 2 {
					t.Errorf("exit %d (%v) after %v, want 2; stderr: %s", code, err, sig, stderr)
				}
				wantOneLine(t, sig.String(), stderr.String())
				if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".*")); len(left) > 0 {
					t.Errorf("staging left after %v: %v", sig, left)
				}
			}
			after, err := os.ReadFile(filepath.Join(out, "bundle.json"))
			if err != nil || !bytes.Equal(before, after) {
				t.Fatalf("the previous bundle changed after %v: %v", sig, err)
			}
			if code, _, stderr := craudit(t, "bundle", "verify", out, "--trust", in.root); code != 0 {
				t.Fatalf("the previous bundle no longer verifies after %v: %s", sig, stderr)
			}
			// Whatever a SIGKILL left is a hidden staging folder, never
			// the output; remove it as a user would.
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".*"))
			for _, l := range left {
				if !strings.HasPrefix(filepath.Base(l), "."+filepath.Base(out)+".tmp-") {
					t.Errorf("unexpected leftover %s", l)
				}
				os.RemoveAll(l)
			}
		})
	}
}

// TestInterruptedDossierKeepsPreviousOutput kills `dossier --force` while it
// copies a bundle with a large artefact over an existing dossier: the
// previous dossier stays, complete and verifying, never a partial one.
func TestInterruptedDossierKeepsPreviousOutput(t *testing.T) {
	in := newReleaseInputs(t)
	big := filepath.Join(t.TempDir(), "firmware.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(512 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	bdir := filepath.Join(t.TempDir(), "bundle")
	if code, _, stderr := craudit(t, in.bundleArgs(bdir, map[string]string{"--artefact": big})...); code != 0 {
		t.Fatalf("bundle: exit %d: %s", code, stderr)
	}
	out := filepath.Join(t.TempDir(), "dossier")
	args := []string{"dossier", bdir, "--out", out, "--trust", in.root, "--signing-key", in.key, "--key-cert", in.cert}
	if code, _, stderr := craudit(t, args...); code > 1 {
		t.Fatalf("first dossier: exit %d: %s", code, stderr)
	}
	sums := func() []byte {
		b, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
		if err != nil {
			t.Fatalf("--out holds no complete dossier: %v", err)
		}
		return b
	}
	before := sums()
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, stderr := startCraudit(t, append(args, "--force")...)
			if !waitForStagingFile(t, out, filepath.Join("evidence", "bundle", "artefacts", "*")) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("dossier never started copying the bundle: %s", stderr)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if sig != syscall.SIGKILL {
				if code := cmd.ProcessState.ExitCode(); code != 2 {
					t.Errorf("exit %d after %v, want 2; stderr: %s", code, sig, stderr)
				}
				wantOneLine(t, sig.String(), stderr.String())
			}
			// The signal came while the bundle was being copied, long before
			// the switch: the previous dossier must still be there.
			if after := sums(); !bytes.Equal(before, after) {
				t.Errorf("--out changed after %v", sig)
			}
			if code, _, stderr := craudit(t, "dossier", "verify", out, "--trust", in.root); code != 0 {
				t.Fatalf("--out does not verify after %v: exit %d: %s", sig, code, stderr)
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".*"))
			if sig != syscall.SIGKILL && len(left) > 0 {
				t.Errorf("staging left after %v: %v", sig, left)
			}
			for _, l := range left {
				os.RemoveAll(l)
			}
		})
	}
}
