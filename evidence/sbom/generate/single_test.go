package generate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSyftExtractsByName(t *testing.T) {
	for name, want := range map[string]bool{
		"image.tar": true, "image.tar.gz": true, "image.tgz": true, "image.zip": true,
		"firmware.bin": false, "app": false, "notes.txt": false, "blob.gz": false,
	} {
		if got := syftExtracts("/x/" + name); got != want {
			t.Errorf("syftExtracts(%s) = %v, want %v", name, got, want)
		}
	}
}

// A plain file is catalogued without syft's file source; the SBOM still
// describes it with the digests the caller gave, and no link folder stays.
func TestOpaqueFileCataloguedInPlace(t *testing.T) {
	dir := t.TempDir()
	in := writeArtefact(t, dir, "firmware.bin", []byte("\x00opaque firmware bytes\x01\x02"))
	out, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`"bom-ref": "artefact:firmware.bin"`, in.SHA256, in.SHA512} {
		if !strings.Contains(s, want) {
			t.Errorf("SBOM lacks %s", want)
		}
	}
	if strings.Contains(s, ".sbom-") {
		t.Error("SBOM names the link folder")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("folder holds %d entries after Generate, want only the artefact", len(ents))
	}
}

// Cataloguers that read a file's content (here: Go build information) still
// see a plain file through the link.
func TestGoBinaryCataloguedInPlace(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod":  "module example.com/tinyupdater\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() { println(\"hi\") }\n",
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(src, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "tinyupdater")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	in := writeArtefact(t, t.TempDir(), "tinyupdater", data)
	out, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "pkg:golang/example.com/tinyupdater") {
		t.Errorf("the Go binary's main module is not in the SBOM:\n%.2000s", out)
	}
}
