package bundle

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// The O_DIRECT copy, with its space reserved for a size that turns out
// wrong (the artefact shrank or grew while it was read), two writers at
// once and background flushes after every chunk, holds exactly the bytes
// given to it: reserved space beyond them is trimmed, and Close leaves no
// flusher behind.
func TestDirectFileExactCopy(t *testing.T) {
	dir := t.TempDir()
	rng := rand.NewChaCha8([32]byte{21})
	before := runtime.NumGoroutine()
	for _, tc := range []struct {
		name           string
		size, reserved int
	}{
		{"reserved exactly", 5*chunkSize + 4096, 5*chunkSize + 4096},
		{"unaligned tail", 3*chunkSize + 123, 3*chunkSize + 123},
		{"shrank", 2*chunkSize + 7, 4 * chunkSize},
		{"grew", 4*chunkSize + 9, chunkSize},
		{"size unknown", 2 * chunkSize, 0},
		{"empty", 0, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, tc.size)
			rng.Read(data)
			p := filepath.Join(dir, tc.name)
			out, err := createArtefact(p, int64(tc.reserved), false)
			if err != nil {
				t.Fatal(err)
			}
			d, ok := out.(*directFile)
			if !ok {
				t.Skipf("%s: the file system refuses O_DIRECT (%T)", dir, out)
			}
			d.every = chunkSize // a flush asked after every chunk
			if _, err := hashCopy(out, onlyReader{bytes.NewReader(data)}, chunkSize, nil); err != nil {
				t.Fatal(err)
			}
			if err := out.Sync(); err != nil {
				t.Fatal(err)
			}
			if err := out.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("copy of %d bytes differs from the %d given", len(got), len(data))
			}
		})
	}
	// Closed without Sync (a failed copy): the flusher stops too.
	out, err := createArtefact(filepath.Join(dir, "abandoned"), 1<<20, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left behind", n-before)
	}
}
