package producers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/pack"
	"github.com/craudit/craudit/fixtures/thermostat"
)

// sniffAllowance is what bundling may read beyond one pass over each
// artefact: the format sniffing (3 KiB of the input before the copy, 3 KiB
// of the copy for the SBOM), product.yaml and release.yaml, and whatever
// else the process reads that is not the artefact. 64 KiB per artefact.
const sniffAllowance = 64 << 10

// processRead is the number of bytes this process has read with read(2)
// and its kin so far (/proc/self/io rchar): it counts every reader, syft's
// included, that reads the artefact through a file descriptor.
func processRead() (int64, error) {
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("/proc/self/io has no rchar line")
}

// release is the inputs of one bundle run around one artefact.
type release struct {
	dir, product, release, artefact string
	signer                          *keys.PrivateKey
	runs                            int
}

func newRelease(tb testing.TB, artefact string) *release {
	tb.Helper()
	if _, err := processRead(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("cannot count bytes read: %v", err)
		}
		tb.Skipf("cannot count bytes read (needs Linux /proc/self/io): %v", err)
	}
	dir := tb.TempDir()
	signer, err := keys.FromSeed(keys.ECDSAP256, []byte("single-pass"))
	if err != nil {
		tb.Fatal(err)
	}
	return &release{dir: dir, artefact: artefact, signer: signer,
		product: writeFile(tb, dir, "product.yaml", thermostat.ProductYAML()),
		release: writeFile(tb, dir, "release.yaml", thermostat.ReleaseYAML(thermostat.Releases[1]))}
}

// bundle runs `craudit bundle` in process, as the command wires it, and
// returns the bytes the process read during the run.
func (r *release) bundle(tb testing.TB) int64 {
	tb.Helper()
	r.runs++
	before, err := processRead()
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	o := pack.Options{Product: r.product, Release: r.release, Artefacts: []string{r.artefact}, SigningKey: r.signer,
		Out: filepath.Join(r.dir, fmt.Sprintf("bundle-%d", r.runs)), Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Make: Prepared(ctx, Tool{Name: "craudit", Version: "test"})}
	if _, err := pack.Bundle(ctx, o); err != nil {
		tb.Fatal(err)
	}
	after, err := processRead()
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.RemoveAll(o.Out); err != nil {
		tb.Fatal(err)
	}
	return after - before
}

func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// appendRandom appends n pseudo-random bytes to the file at p (created
// when absent), a megabyte at a time.
func appendRandom(tb testing.TB, p string, n int64, seed byte) {
	tb.Helper()
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{seed})
	buf := make([]byte, 1<<20)
	for n > 0 {
		rng.Read(buf)
		w, err := f.Write(buf[:min(n, int64(len(buf)))])
		if err != nil {
			tb.Fatal(err)
		}
		n -= int64(w)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// goExecutable compiles a tiny Go program and pads it with random bytes to
// about size: an executable whose cataloguers (Go build information, ELF
// notes) need only its image, not the padding. It returns the file and the
// image's size.
func goExecutable(tb testing.TB, dir string, size int64) (string, int64) {
	tb.Helper()
	goBin, err := exec.LookPath(filepath.Join(runtime.GOROOT(), "bin", "go"))
	if err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatal("go not installed: cannot build an executable artefact")
			}
			tb.Skip("go not installed: cannot build an executable artefact")
		}
	}
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		tb.Fatal(err)
	}
	writeFile(tb, src, "go.mod", []byte("module example.com/updater\n\ngo 1.22\n"))
	writeFile(tb, src, "main.go", []byte("package main\n\nfunc main() { println(\"update\") }\n"))
	bin := filepath.Join(dir, "updater")
	cmd := exec.Command(goBin, "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	st, err := os.Stat(bin)
	if err != nil {
		tb.Fatal(err)
	}
	appendRandom(tb, bin, max(0, size-st.Size()), 7)
	return bin, st.Size()
}

// passCase is an artefact whose bytes bundling reads once, and what syft's
// cataloguers may read of it on top (besides sniffAllowance); -1: no limit.
type passCase struct {
	path      string
	catalogue int64
}

// singlePassCases are an opaque image (no syft at all: nothing on top) and
// a padded executable (syft's cataloguers may read its ELF image once
// more, never the rest). Archives are not among them: syft unpacks an
// archive to a folder, which reads it again.
func singlePassCases(tb testing.TB, size int64) map[string]passCase {
	dir := tb.TempDir()
	blob := filepath.Join(dir, "firmware.bin")
	appendRandom(tb, blob, size, 1)
	exe, image := goExecutable(tb, dir, size)
	return map[string]passCase{"opaque": {path: blob}, "executable": {path: exe, catalogue: image}}
}

// TestSinglePass pins the single-pass property without timing anything:
// bundling an artefact reads at most its size plus sniffAllowance.
func TestSinglePass(t *testing.T) {
	const size = 16 << 20
	for name, c := range singlePassCases(t, size) {
		t.Run(name, func(t *testing.T) {
			r := newRelease(t, c.path)
			st, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			read := r.bundle(t)
			t.Logf("%s: read %d bytes for a %d-byte artefact (%.4f per byte; %d beyond one pass, allowed %d + %d)",
				name, read, st.Size(), float64(read)/float64(st.Size()), read-st.Size(), sniffAllowance, c.catalogue)
			if read > st.Size()+sniffAllowance+c.catalogue {
				t.Errorf("bundling %s read %d bytes, more than its %d bytes plus %d + %d: something reads it twice", name, read, st.Size(), sniffAllowance, c.catalogue)
			}
			if read < st.Size() {
				t.Errorf("bundling %s read %d bytes, less than its %d: the count misses the copy", name, read, st.Size())
			}
		})
	}
}
