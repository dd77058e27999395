package copyfile

import (
	"bytes"
	"github.com/craudit/craudit/fixtures/shared"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

const chunk = 1 << 20 // what bundle hands over

// write feeds data to f as bundle does: whole chunks at their offsets from
// Writers() goroutines at once, the last, partial one among them.
func write(t *testing.T, f File, data []byte) {
	t.Helper()
	cw, ok := f.(interface {
		WriteAt([]byte, int64) (int, error)
		Writers() int
	})
	if !ok {
		if _, err := f.Write(data); err != nil {
			t.Fatal(err)
		}
		return
	}
	offs := make(chan int)
	var wg sync.WaitGroup
	for range cw.Writers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for off := range offs {
				buf := make([]byte, min(chunk, len(data)-off)) // 1 MiB allocations are page-aligned, as bundle's are
				copy(buf, data[off:])
				if _, err := cw.WriteAt(buf, int64(off)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for off := 0; off < len(data); off += chunk {
		offs <- off
	}
	close(offs)
	wg.Wait()
}

// The O_DIRECT copy, with its space reserved for a size that turns out
// wrong (the artefact shrank or grew while it was read), two writers at
// once and a background flush after every chunk, holds exactly the bytes
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
		{"reserved exactly", 5*chunk + 4096, 5*chunk + 4096},
		{"unaligned tail", 3*chunk + 123, 3*chunk + 123},
		{"shrank", 2*chunk + 7, 4 * chunk},
		{"grew", 4*chunk + 9, chunk},
		{"size unknown", 2 * chunk, 0},
		{"empty", 0, 4096},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, tc.size)
			rng.Read(data)
			p := filepath.Join(dir, tc.name)
			out, err := Create(p, int64(tc.reserved), false)
			if err != nil {
				t.Fatal(err)
			}
			d, ok := out.(*directFile)
			if !ok {
				t.Skipf("%s: the file system refuses O_DIRECT (%T)", dir, out)
			}
			d.every = chunk // a flush asked after every chunk
			write(t, out, data)
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
	out, err := Create(filepath.Join(dir, "abandoned"), 1<<20, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	shared.NoGoroutinesLeft(t, before)
}
