package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttackRefusesBadLayouts: a layout file that does not read is exit 2
// and one line naming the file, the line and the key; nothing is written.
func TestAttackRefusesBadLayouts(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, body, want string }{
		{"missing", "", "no-such.layout.yaml"},
		{"unknown key", "layout: 1\nmanifest:\n  fields:\n    versoin: fw\n", "bad.layout.yaml: line 4: manifest.fields.versoin: unknown key"},
		{"bad value", "layout: 1\npaths:\n  manifest: ../../etc/passwd\n", "bad.layout.yaml: line 3: paths.manifest: \"../../etc/passwd\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, "no-such.layout.yaml")
			if c.body != "" {
				p = filepath.Join(dir, c.name, "bad.layout.yaml")
				write(t, p, []byte(c.body))
			}
			out := filepath.Join(dir, c.name, "results.json")
			code, stdout, stderr := craudit(t, "attack", "--client", "true", "--profile", "manifest", "--layout", p, "--out", out)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			wantOneLine(t, c.name, stderr)
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q, want it to contain %q", stderr, c.want)
			}
			if _, err := os.Stat(out); stdout != "" || err == nil {
				t.Errorf("wrote output: stdout %q, --out %v", stdout, err)
			}
		})
	}
}
