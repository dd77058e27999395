package generate

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/craudit/craudit/evidence/sbom"
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
		ProductPURL:   thermostat.FirmwarePURL("1.0.1"),
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
	if !strings.Contains(s, `"purl": "`+thermostat.FirmwarePURL("1.0.1")+`"`) {
		t.Error("the SBOM's subject lacks the purl the demo VEX names")
	}
	if strings.Contains(s, "syft-archive-contents") || strings.Contains(s, os.TempDir()+"/") {
		t.Error("SBOM names a temporary extraction path")
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	// It reads back; that it is BSI-conformant with real data only is
	// checked on the golden file by checks/sbomreq.
	if _, err := sbom.Decode(out); err != nil {
		t.Fatal(err)
	}
	// The third party's script in the image is not the manufacturer's: it
	// has its own licence and author, and neither manufacturer nor supplier.
	var bom cdx.BOM
	if err := json.Unmarshal(out, &bom); err != nil {
		t.Fatal(err)
	}
	gauge := 0
	for _, c := range everyComponent(&bom) {
		if c.Name != thermostat.GaugeScriptPath {
			continue
		}
		gauge++
		if c.Manufacturer != nil || c.Supplier != nil || c.Licenses == nil || licenceText(*c.Licenses) != "MIT/declared MIT/concluded" ||
			c.Authors == nil || (*c.Authors)[0].Email != "maintainers@mini-gauge.example.org" {
			t.Errorf("third-party file %s: manufacturer %v supplier %v licences %v authors %v", c.Name, c.Manufacturer, c.Supplier, c.Licenses, c.Authors)
		}
	}
	if gauge != 1 {
		t.Errorf("the image's third-party file is %d components, want 1", gauge)
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

// TestGenerateGoBinary compiles a tiny program and checks syft's Go module
// cataloguing comes through: the main module and the toolchain.
func TestGenerateGoBinary(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH")
	}
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.org/Tiny/hello\n\ngo 1.22\n")
	write("main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n")
	bin := filepath.Join(dir, "hello")
	cmd := exec.Command(gobin, "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	in := writeArtefact(t, t.TempDir(), "hello", data)
	if err := os.Chmod(in.Path, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sbom.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range doc.Components {
		names = append(names, c.Name+" "+c.PURL)
	}
	all := strings.Join(names, "\n")
	for _, want := range []string{"pkg:golang/example.org/Tiny/hello", "pkg:golang/stdlib@"} {
		if !strings.Contains(all, want) {
			t.Errorf("no component with %s; got:\n%s", want, all)
		}
	}
	top := doc.Components[0]
	if top.Prop("bsi:component:executable") != "executable" || top.Hashes["SHA-512"] != in.SHA512 || top.Filename != "hello" {
		t.Errorf("artefact component %+v", top)
	}
}

func TestGenerateZip(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "bin/tool", Method: zip.Deflate, Modified: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	_, _ = w.Write([]byte("#!/bin/sh\necho hi\n"))
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "etc/settings.json", Method: zip.Deflate, Modified: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	_, _ = w.Write([]byte(`{"a": 1}`))
	_ = zw.Close()
	in := writeArtefact(t, t.TempDir(), "update.zip", buf.Bytes())
	out, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"name": "/bin/tool"`, `"name": "/etc/settings.json"`, `"version": "2025-01-02T03:04:05Z"`, `"value": "structured"`} {
		if !strings.Contains(s, want) {
			t.Errorf("zip SBOM lacks %s", want)
		}
	}
}

func BenchmarkGenerateThermostat(b *testing.B) {
	img, err := thermostat.Image("1.0.1")
	if err != nil {
		b.Fatal(err)
	}
	in := writeArtefact(b, b.TempDir(), thermostat.ImageName("1.0.1"), img)
	b.SetBytes(int64(len(img)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Generate(context.Background(), []Input{in}, demoOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHostileArchive: syft unpacks archives on disk; entries climbing out
// with ../ or absolute paths must not land outside its extraction folder.
func TestHostileArchive(t *testing.T) {
	root := t.TempDir()
	work := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", work)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range []string{"../../escaped-rel", "/tmp/../" + filepath.Join(root, "escaped-abs")[1:], "ok/file.json"} {
		data := []byte(`{"x": 1}`)
		_ = tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: time.Unix(1, 0)})
		_, _ = tw.Write(data)
	}
	_ = tw.Close()
	in := writeArtefact(t, work, "hostile.tar", buf.Bytes())
	// The refusal comes from the archive's headers alone: with a licence
	// scanner that never becomes ready, Generate must still refuse at once
	// rather than wait for it until the deadline.
	o := demoOptions()
	o.Prepared = &Prepared{done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := Generate(ctx, []Input{in}, o)
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "path traversal") {
		t.Errorf("Generate: want a one-line path traversal error, got %v", err)
	}
	for _, p := range []string{filepath.Join(root, "escaped-rel"), filepath.Join(root, "a", "escaped-rel"), filepath.Join(root, "escaped-abs")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("archive entry escaped to %s", p)
		}
	}
}

func TestGenerateDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rootfs")
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "run.sh"), []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("plain"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Generate(context.Background(), []Input{{Name: "rootfs", Path: dir}}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.Contains(s, `"name": "/bin/run.sh"`) || strings.Contains(s, `"name": "/notes.txt"`) {
		t.Errorf("directory SBOM: want the executable, not the plain text file:\n%s", s)
	}
	if strings.Contains(s, dir) {
		t.Error("SBOM names the folder's path on disk")
	}
}

// TestNoTempFoldersLeft: cataloguing a tar artefact leaves nothing in the
// temp dir (syft's image providers extracted it into a stereoscope-NNN
// folder that stayed behind, 8 MB per bundle).
func TestNoTempFoldersLeft(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	thermostatSBOM(t)
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	// thermostatSBOM's own artefact folder is t.TempDir's, not under tmp.
	if len(names) > 0 {
		t.Errorf("left in the temp dir: %v", names)
	}
}
