package generate

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

func TestOpaque(t *testing.T) {
	random := randomBytes(8192, 1)
	withPrefix := func(p string) []byte { return append([]byte(p), random[len(p):]...) }
	for _, tc := range []struct {
		name string
		head []byte
		want bool
	}{
		{"firmware.bin", random, true},
		{"rootfs.ext4", random, true},
		{"update.IMG", random, true},
		{"firmware", random, false},        // no raw-image extension
		{"firmware.elf", random, false},    // not a raw-image extension
		{"zImage-5.10.bin", random, false}, // syft's kernel cataloguer looks for it
		{"kernel.img", random, false},
		{"python3.bin", random, false}, // a binary classifier looks for it
		{"fw.cdx.bin", random, false},  // syft's SBOM cataloguer looks for it
		{"firmware.bin", withPrefix("\x7fELF"), false},
		{"firmware.bin", withPrefix("MZ"), false},
		{"firmware.bin", withPrefix("\xce\xfa\xed\xfe"), false}, // 32-bit Mach-O: syft's MIME detection knows it
		{"firmware.bin", withPrefix("PK\x03\x04"), false},
		{"firmware.bin", withPrefix("\x1f\x8b"), false},
		{"firmware.bin", []byte("plain text firmware notes\n"), false},
		{"firmware.bin", []byte(`{"version": "1.0"}`), false},
		{"firmware.bin", nil, false}, // empty: syft's MIME type is "", not binary data
	} {
		if got := opaque(tc.name, tc.head[:min(len(tc.head), mimeSniffLen)]); got != tc.want {
			t.Errorf("opaque(%s, %.8q...) = %v, want %v", tc.name, tc.head, got, tc.want)
		}
	}
}

// An opaque image is described without syft, and the SBOM is the one syft's
// path gives, byte for byte.
func TestOpaqueSBOMMatchesSyft(t *testing.T) {
	in := writeArtefact(t, t.TempDir(), "firmware.bin", randomBytes(1<<20, 2))
	if !IsOpaque(in.Path) {
		t.Fatal("random firmware.bin is not opaque")
	}
	without, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	syftForOpaque = true
	defer func() { syftForOpaque = false }()
	with, err := Generate(context.Background(), []Input{in}, demoOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(without, with) {
		t.Errorf("the SBOM of an opaque image differs from syft's:\nwithout syft:\n%s\nwith syft:\n%s", without, with)
	}
}

// PrepareFor starts the licence scanner only when some file needs syft.
func TestPrepareForStartsOnlyWhenNeeded(t *testing.T) {
	dir := t.TempDir()
	blob := writeArtefact(t, dir, "firmware.bin", randomBytes(4096, 3)).Path
	text := writeArtefact(t, dir, "notes.txt", []byte("release notes\n")).Path
	if p := PrepareFor(context.Background(), []string{blob}); p.started {
		t.Error("scanner started for an opaque image")
	}
	p := PrepareFor(context.Background(), []string{blob, text})
	if !p.started {
		t.Error("scanner not started for a text file")
	}
	if _, err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// No glob by which a syft cataloguer of the version in go.mod selects files
// matches a name opaqueName accepts: an opaque image is never a file some
// cataloguer would have read.
func TestOpaqueNamesNoSyftGlob(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not installed: cannot find syft's sources")
	}
	out, err := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", "github.com/anchore/syft").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("syft's module source is not in the module cache: %v", err)
	}
	lit := regexp.MustCompile(`"(\*\*/[^"\s]+)"`)
	var globs []string
	err = filepath.WalkDir(filepath.Join(dir, "syft", "pkg", "cataloger"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		src, err := os.ReadFile(p)
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			globs = append(globs, m[1])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(globs) < 50 {
		t.Fatalf("found only %d globs in %s: the walk is wrong", len(globs), dir)
	}
	checked := 0
	for _, g := range globs {
		for _, alt := range expandBraces(strings.TrimPrefix(g, "**/")) {
			if strings.Contains(alt, "/") {
				continue // needs a folder: a lone artefact is at the root
			}
			for ext := range opaqueExts {
				for _, name := range []string{exampleName(alt, ext), exampleName(alt, "") + ext} {
					ok, err := path.Match(strings.ToLower(alt), name)
					if err != nil {
						t.Fatalf("glob %s: %v", g, err)
					}
					checked++
					if ok && opaqueName(name) {
						t.Errorf("syft glob %s matches %s, which opaqueName accepts", g, name)
					}
				}
			}
		}
	}
	t.Logf("%d globs, %d candidate names", len(globs), checked)
}

// exampleName turns a glob into a lowercase name it matches, with ext where
// its last wildcard is.
func exampleName(glob, ext string) string {
	g := strings.ToLower(glob)
	if i := strings.LastIndex(g, "*"); i >= 0 {
		g = g[:i] + "x" + ext + g[i+1:]
	}
	g = strings.ReplaceAll(g, "*", "x")
	g = strings.ReplaceAll(g, "?", "x")
	return regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(g, "x")
}

// expandBraces expands {a,b} alternatives (one level, as syft writes them).
func expandBraces(g string) []string {
	i, j := strings.Index(g, "{"), strings.Index(g, "}")
	if i < 0 || j < i {
		return []string{g}
	}
	var out []string
	for _, alt := range strings.Split(g[i+1:j], ",") {
		out = append(out, expandBraces(g[:i]+alt+g[j+1:])...)
	}
	return out
}
