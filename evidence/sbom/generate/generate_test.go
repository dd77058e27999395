package generate

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/thermostat"
)

var update = flag.Bool("update", false, "rewrite golden files")

func writeArtefact(t testing.TB, dir, name string, data []byte) Input {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	s256, s512 := sha256.Sum256(data), sha512.Sum512(data)
	return Input{Name: name, Path: p, SHA256: hex.EncodeToString(s256[:]), SHA512: hex.EncodeToString(s512[:])}
}

func demoOptions() Options {
	return Options{
		ToolName: "craudit", ToolVersion: "test",
		Creator:   Creator{Name: "Thermo Demo GmbH", Email: "security@thermo-demo.example", URL: "https://thermo-demo.example"},
		Timestamp: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), ProductName: "SmartTherm ST100", ProductVersion: "1.0.1",
		VendorLicence: "LicenseRef-ThermoDemo-Proprietary",
	}
}

func thermostatSBOM(t testing.TB) []byte {
	t.Helper()
	img, err := thermostat.Image("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	in := writeArtefact(t, t.TempDir(), thermostat.ImageName("1.0.1"), img)
	out, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateThermostat(t *testing.T) {
	out := thermostatSBOM(t)
	s := string(out)
	for _, want := range []string{
		`"specVersion": "1.6"`,
		`"purl": "` + thermostat.BusyboxPURL("1.0.1") + `"`,
		`"email": "soeren+alpine@soeren-tempel.net"`,
		`"id": "GPL-2.0-only"`,
		`"name": "/opt/thermostat/bin/thermostatd"`,
		`"name": "/bin/busybox"`,
		`"timestamp": "2026-03-01T12:00:00Z"`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("SBOM lacks %s", want)
		}
	}
	if strings.Contains(s, "syft-archive-contents") || strings.Contains(s, os.TempDir()+"/") {
		t.Error("SBOM names a temporary extraction path")
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	// Deterministic: a second run gives the same bytes.
	if again := thermostatSBOM(t); string(again) != s {
		t.Error("two runs gave different SBOMs")
	}
	golden := filepath.Join("testdata", "thermostat-1.0.1.cdx.json")
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(golden); err != nil || string(want) != s {
		t.Errorf("SBOM differs from %s (run with -update to accept): %v", golden, err)
	}
}
