package checks_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/minibundle"
)

const tinySBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
 "metadata":{"timestamp":"2026-01-01T00:00:00Z","component":{"type":"firmware","name":"fw","version":"1"}},
 "components":[{"type":"library","name":"busybox","version":"1.36.1-r16","purl":"pkg:apk/alpine/busybox@1.36.1-r16"}]}`

// open writes a minibundle with the given extra items and loads it.
func open(t *testing.T, items ...minibundle.Item) *checks.Input {
	t.Helper()
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	if !b.OK() {
		t.Fatalf("test bundle does not verify: %v", b.Problems)
	}
	return checks.Load(b, mb.Root.Public(), minibundle.At, nil)
}

func notScanned(t *testing.T) []byte {
	t.Helper()
	b, err := vuln.NotScanned("test bundle").Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAccessorStatus: each accessor's error says which status a check
// reports: absent evidence is missing, evidence that does not decode is a
// failure (a finding about the release), never a pass.
func TestAccessorStatus(t *testing.T) {
	sbomItem := minibundle.Item{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: []byte(tinySBOM)}
	vulnsItem := minibundle.Item{Path: bundle.VulnsFile, Role: bundle.RoleVulns}
	tests := []struct {
		name       string
		items      []minibundle.Item
		call       func(in *checks.Input) error
		want       checks.Status // "" = no error
		wantInText string
	}{
		{"no SBOM", nil, func(in *checks.Input) error { _, err := in.SBOM(); return err }, checks.Missing, bundle.SBOMFile},
		{"SBOM not JSON", []minibundle.Item{{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: []byte(`{"bomFormat":`)}},
			func(in *checks.Input) error { _, err := in.SBOM(); return err }, checks.Fail, bundle.SBOMFile},
		{"SBOM decodes", []minibundle.Item{sbomItem}, func(in *checks.Input) error { _, err := in.SBOM(); return err }, "", ""},
		{"no scan", []minibundle.Item{sbomItem}, func(in *checks.Input) error { _, err := in.Vulns(); return err }, checks.Missing, bundle.VulnsFile},
		{"VEX not JSON fails the table", []minibundle.Item{sbomItem, vulnsItem, {Path: "vex/bad.json", Role: bundle.RoleVEX, Body: []byte("{")}},
			func(in *checks.Input) error { _, err := in.VulnTable(); return err }, checks.Fail, "vex/bad.json"},
		{"table of a bundle made without a scan", []minibundle.Item{sbomItem, vulnsItem},
			func(in *checks.Input) error { _, err := in.VulnTable(); return err }, "", ""},
		{"manifest decodes", nil, func(in *checks.Input) error { _, err := in.Manifest(); return err }, "", ""},
		{"manifest chain verifies", nil, func(in *checks.Input) error { _, err := in.VerifiedManifest(); return err }, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items := tc.items
			for i := range items {
				if items[i].Path == bundle.VulnsFile && items[i].Body == nil {
					items[i].Body = notScanned(t)
				}
			}
			err := tc.call(open(t, items...))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want status %s", tc.want)
			}
			if got := checks.StatusOf(err); got != tc.want {
				t.Errorf("status %s, want %s (%v)", got, tc.want, err)
			}
			if !strings.Contains(err.Error(), tc.wantInText) {
				t.Errorf("error %q does not name %s", err, tc.wantInText)
			}
		})
	}
}

// TestAccessorsDecodeOnce: every caller of an Input, concurrent ones
// included, gets the same decoded value.
func TestAccessorsDecodeOnce(t *testing.T) {
	in := open(t, minibundle.Item{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: []byte(tinySBOM)},
		minibundle.Item{Path: bundle.VulnsFile, Role: bundle.RoleVulns, Body: notScanned(t)})
	first, err := in.SBOM()
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Components) != 1 || first.Components[0].Name != "busybox" {
		t.Fatalf("decoded SBOM: %+v", first.Components)
	}
	var wg sync.WaitGroup
	got := make([]*sbom.Document, 8)
	tables := make([]any, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = in.SBOM()
			tables[i], _ = in.VulnTable()
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] != first {
			t.Fatalf("call %d decoded the SBOM again", i)
		}
		if tables[i] != tables[0] {
			t.Fatalf("call %d built the vulnerability table again", i)
		}
	}
}
