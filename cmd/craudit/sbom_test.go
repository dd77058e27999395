package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

func TestSBOMCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A hand-made SBOM meeting every required field of TR-03183-2 v2.1.0,
	// as JSON and XML, and an SPDX 3 one with gaps (evidence/sbom's tests).
	fixtures := filepath.Join("..", "..", "evidence", "sbom", "testdata")
	gen := filepath.Join(fixtures, "bsi-cdx16.json")
	old := write("old.json", `{"bomFormat":"CycloneDX","specVersion":"1.4","components":[{"name":"x","version":"1"}]}`)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"conformant demo SBOM", []string{"sbom", "check", gen}, 0},
		{"conformant, json", []string{"sbom", "check", "--format", "json", gen}, 0},
		{"conformant, XML", []string{"sbom", "check", filepath.Join(fixtures, "bsi-cdx16.xml")}, 0},
		{"SPDX 3 with gaps", []string{"sbom", "check", filepath.Join(fixtures, "bsi-spdx301.jsonld")}, 1},
		{"malformed XML", []string{"sbom", "check", write("bad.xml", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>`)}, 2},
		{"gaps", []string{"sbom", "check", old}, 1},
		{"gaps, ntia", []string{"sbom", "check", "--standard", "ntia", old}, 1},
		{"truncated", []string{"sbom", "check", write("trunc.json", `{"bomFormat":"CycloneDX","specVer`)}, 2},
		{"not json", []string{"sbom", "check", write("x.txt", "hello")}, 2},
		{"missing file", []string{"sbom", "check", filepath.Join(dir, "nope.json")}, 2},
		{"bad standard", []string{"sbom", "check", "--standard", "iso", gen}, 2},
		{"bad format", []string{"sbom", "check", "--format", "xml", gen}, 2},
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = devnull, devnull
	defer func() { os.Stdout, os.Stderr = stdout, stderr }()
	for _, tt := range tests {
		if got := runCode(tt.args); got != tt.want {
			t.Errorf("%s: exit %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestSBOMCheckRealWorld: a valid real-world SBOM never gives exit 2.
func TestSBOMCheckRealWorld(t *testing.T) {
	dir := shared.Testdata(t, "sbom")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	stdout := os.Stdout
	os.Stdout = devnull
	defer func() { os.Stdout = stdout }()
	for _, e := range entries {
		for _, std := range []string{"bsi-tr-03183-2", "ntia"} {
			if got := runCode([]string{"sbom", "check", "--standard", std, "--format", "json", filepath.Join(dir, e.Name())}); got == 2 {
				t.Errorf("%s (%s): exit 2", e.Name(), std)
			}
		}
	}
}
