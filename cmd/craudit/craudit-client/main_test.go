package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
)

// TestStaysLean: the point of this binary is a fast start, so none of the
// SBOM, scanning or reporting code (and their package initialisers) may be
// linked into it.
func TestStaysLean(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, d := range deps {
		for _, heavy := range []string{"github.com/anchore/", "github.com/google/osv-scanner", "github.com/google/osv-scalibr",
			"github.com/craudit/craudit/reports", "github.com/craudit/craudit/evidence/sbom", "github.com/craudit/craudit/evidence/producers",
			"github.com/craudit/craudit/evidence/vuln", "github.com/craudit/craudit/fixtures"} {
			if strings.HasPrefix(d, heavy) {
				t.Errorf("craudit-client links %s", d)
			}
		}
	}
	// A budget, so that a new dependency is a decision: today about 260
	// packages (craudit: about 2,400).
	if len(deps) > 400 {
		t.Errorf("craudit-client links %d packages, over the budget of 400", len(deps))
	}
}

func TestCommands(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cli.Execute(context.Background(), newRoot(), []string{"version"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "craudit ") {
		t.Errorf("version: exit %d, %q %q", code, stdout.String(), stderr.String())
	}
	for _, c := range []string{"tuf-client", "manifest-client"} {
		stdout.Reset()
		stderr.Reset()
		if code := cli.Execute(context.Background(), newRoot(), []string{c, "--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "Example") && !strings.Contains(stdout.String(), "Examples") {
			t.Errorf("%s --help: exit %d, %q", c, code, stdout.String())
		}
	}
	// The protocol's exit code for a failure is 1.
	if code := cli.Execute(context.Background(), newRoot(), []string{"tuf-client", "refresh"}, &stdout, &stderr); code != 1 {
		t.Errorf("tuf-client without --metadata-dir: exit %d, want 1", code)
	}
}
