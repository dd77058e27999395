package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyGate: a policy that requires a failing check exits 1; a valid
// waiver opens the gate and the report shows it; an expired waiver does not.
func TestPolicyGate(t *testing.T) {
	d, _ := sharedDemo(t)
	// Half a year later the demo's 90-day manifest has expired: manifest/freshness fails.
	const later = "2027-06-01T00:00:00Z"
	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	require := "required: [manifest/freshness, manifest/signature]\n"
	waiver := func(expires string) string {
		return require + "waivers:\n  - id: manifest/freshness\n    justification: re-signing ceremony scheduled\n    approver: Security officer\n    expires: " + expires + "\n"
	}
	tests := []struct {
		name   string
		policy string
		want   int
		says   string
	}{
		{"required failing check", require, 1, "FAIL manifest/freshness"},
		{"valid waiver", waiver("2027-12-31"), 0, "waiver manifest/freshness (applied)"},
		{"expired waiver", waiver("2027-05-01"), 1, "(expired, not applied)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := craudit(t, "check", filepath.Join(d, "bundle"), "--trust", filepath.Join(d, "keys/root.pub"),
				"--reference-time", later, "--policy", write("policy.yaml", tc.policy))
			if code != tc.want {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.want, out, stderr)
			}
			if !strings.Contains(out, tc.says) {
				t.Errorf("output does not say %q:\n%s", tc.says, out)
			}
		})
	}
}
