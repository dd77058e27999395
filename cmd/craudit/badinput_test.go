package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/fixtures/thermostat"
)

// TestBundleRefusesMalformedEvidenceInputs: a truncated or malformed VEX,
// provenance, SBOM or Sigstore trusted root given to `bundle` is exit 2,
// one line on stderr naming the file, and no --out afterwards.
func TestBundleRefusesMalformedEvidenceInputs(t *testing.T) {
	in := newReleaseInputs(t)
	vexDoc, err := thermostat.VEX("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.Generate(keys.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := thermostat.BuildProvenance("1.0.1", signer, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	sbomDoc := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"bom-ref":"a","type":"library","name":"a","version":"1"}]}`)
	bad := filepath.Join(in.dir, "bad")
	for _, c := range []struct {
		name, flag, file string
		body             []byte
	}{
		{"truncated VEX", "--vex", "thermostat.openvex.json", vexDoc[:len(vexDoc)/2]},
		{"VEX that is not OpenVEX", "--vex", "other.json", []byte(`{"statements":[]}`)},
		{"truncated provenance", "--provenance", "build.intoto.jsonl", prov[:len(prov)/2]},
		{"provenance that is not JSON", "--provenance", "build.dsse.json", []byte("not json at all")},
		{"truncated SBOM", "--sbom", "firmware.cdx.json", sbomDoc[:len(sbomDoc)/2]},
		{"SBOM of no known format", "--sbom", "firmware.spdx.json", []byte(`{"hello":"world"}`)},
		{"truncated trusted root", "--trusted-root", "trusted_root.json", []byte(`{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": [`)},
		{"trusted root that is no trusted root", "--trusted-root", "root.json", []byte(`[1, 2, 3]`)},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(bad, strings.ReplaceAll(c.name, " ", "-"), c.file)
			write(t, p, c.body)
			out := filepath.Join(t.TempDir(), "bundle")
			code, stdout, stderr := craudit(t, in.bundleArgs(out, nil, c.flag, p)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			wantOneLine(t, c.name, stderr)
			if !strings.Contains(stderr, p) {
				t.Errorf("stderr does not name %s: %s", p, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out exists afterwards (%v)", err)
			}
			if left := stagingLeft(t, out); len(left) > 0 {
				t.Errorf("left %v beside --out", left)
			}
		})
	}
}
