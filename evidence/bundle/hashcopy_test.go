package bundle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/craudit/craudit/fixtures/shared"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// onlyReader hides bytes.Reader's type, so HashCopy takes its streaming path.
type onlyReader struct{ io.Reader }

func TestHashCopyDigestsAndCopy(t *testing.T) {
	rng := rand.NewChaCha8([32]byte{1})
	for _, size := range []int{0, 1, serialBelow - 1, serialBelow, chunkSize - 1, chunkSize, chunkSize + 1, inFlight*chunkSize + 7, 2*inFlight*chunkSize + 12345} {
		data := make([]byte, size)
		rng.Read(data)
		want256, want512 := sha256.Sum256(data), sha512.Sum512(data)
		for name, r := range map[string]func() io.Reader{
			"bytes":      func() io.Reader { return bytes.NewReader(data) },
			"stream":     func() io.Reader { return onlyReader{bytes.NewReader(data)} },
			"one-byte":   func() io.Reader { return iotest.OneByteReader(onlyReader{bytes.NewReader(data)}) },
			"half-reads": func() io.Reader { return iotest.HalfReader(onlyReader{bytes.NewReader(data)}) },
		} {
			if name == "one-byte" && size > 2*chunkSize {
				continue
			}
			var out bytes.Buffer
			d, err := HashCopy(&out, r())
			if err != nil {
				t.Fatalf("%d bytes, %s: %v", size, name, err)
			}
			if d.Size != int64(size) || d.SHA256 != hex.EncodeToString(want256[:]) || d.SHA512 != hex.EncodeToString(want512[:]) {
				t.Errorf("%d bytes, %s: digests %+v", size, name, d)
			}
			if !bytes.Equal(out.Bytes(), data) {
				t.Errorf("%d bytes, %s: the copy differs (%d bytes)", size, name, out.Len())
			}
			if d2, err := HashCopy(nil, r()); err != nil || d2 != d {
				t.Errorf("%d bytes, %s: without a copy %+v, %v; with %+v", size, name, d2, err, d)
			}
		}
	}
}

type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, f.err
	}
	return len(p), nil
}

// A failing copy or a failing read is the result, and no goroutine stays behind.
func TestHashCopyErrors(t *testing.T) {
	errDisk, errRead := errors.New("disk full"), errors.New("read failed")
	data := bytes.Repeat([]byte("x"), 20*chunkSize)
	before := runtime.NumGoroutine()
	for _, tc := range []struct {
		name string
		dst  io.Writer
		r    io.Reader
		want error
	}{
		{"write fails at once", &failAfter{0, errDisk}, onlyReader{bytes.NewReader(data)}, errDisk},
		{"write fails later", &failAfter{5 * chunkSize, errDisk}, onlyReader{bytes.NewReader(data)}, errDisk},
		{"small write fails", &failAfter{10, errDisk}, bytes.NewReader(data[:100]), errDisk},
		{"read fails", io.Discard, io.MultiReader(bytes.NewReader(data[:3*chunkSize]), iotest.ErrReader(errRead)), errRead},
		{"small read fails", io.Discard, io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(errRead)), errRead},
	} {
		chunk := int64(chunkSize)
		if strings.HasPrefix(tc.name, "small") {
			chunk = 1000 // the serial path
		}
		d, err := hashCopy(tc.dst, tc.r, chunk, nil)
		if !errors.Is(err, tc.want) || d != (Digests{}) {
			t.Errorf("%s: %+v, %v; want %v", tc.name, d, err, tc.want)
		}
	}
	shared.NoGoroutinesLeft(t, before)
}

// AddFile's copy (O_DIRECT for whole aligned chunks where the file system
// allows it, the page cache for the rest, and all of it for a copy to be
// read again) is the input's exact bytes.
func TestAddFileCopiesExactly(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "bundle"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	rng := rand.NewChaCha8([32]byte{9})
	for i, size := range []int{0, 100, 4096, chunkSize, 5*chunkSize + 123, 8 * chunkSize, 3*chunkSize + 4096} {
		data := make([]byte, size)
		rng.Read(data)
		src := filepath.Join(dir, fmt.Sprintf("in-%d", i))
		if err := os.WriteFile(src, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, again := range []bool{false, true} { // O_DIRECT, and a copy to be read again (the page cache)
			p := fmt.Sprintf("artefacts/a%d-%v.bin", i, again)
			it, err := w.AddFileWith(context.Background(), p, RoleArtefact, "application/octet-stream", src, CopyOptions{ReadAgain: again})
			if err != nil {
				t.Fatalf("%d bytes: %v", size, err)
			}
			got, err := os.ReadFile(filepath.Join(w.StagePath(), filepath.FromSlash(p)))
			if err != nil {
				t.Fatal(err)
			}
			s512 := sha512.Sum512(data)
			if !bytes.Equal(got, data) || it.Size != int64(size) || it.SHA512 != hex.EncodeToString(s512[:]) {
				t.Errorf("%d bytes, read again %v: copy of %d bytes, equal %v, item %+v", size, again, len(got), bytes.Equal(got, data), it)
			}
		}
	}
}

// A tee sees every byte once, in order, on both paths; its error fails the copy.
func TestHashCopyTee(t *testing.T) {
	data := make([]byte, 5*chunkSize+77)
	rand.NewChaCha8([32]byte{4}).Read(data)
	for _, n := range []int{0, 100, len(data)} {
		var copied, teed bytes.Buffer
		d, err := HashCopyTee(&copied, onlyReader{bytes.NewReader(data[:n])}, &teed, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := sha512.Sum512(data[:n])
		if !bytes.Equal(teed.Bytes(), data[:n]) || !bytes.Equal(copied.Bytes(), data[:n]) || d.SHA512 != hex.EncodeToString(want[:]) || d.Size != int64(n) {
			t.Errorf("%d bytes: tee got %d, copy %d, digests %+v", n, teed.Len(), copied.Len(), d)
		}
	}
	errTee := errors.New("tee failed")
	if _, err := HashCopyTee(io.Discard, onlyReader{bytes.NewReader(data)}, &failAfter{chunkSize, errTee}); !errors.Is(err, errTee) {
		t.Errorf("failing tee: %v, want %v", err, errTee)
	}
}

// cancelAfter cancels its context once it has seen n bytes.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if c.n -= len(p); c.n <= 0 {
		c.cancel()
	}
	return len(p), nil
}

// An interrupt in the middle of a large copy (the tee cancels after the
// first chunks) stops it with the context's error, leaves no goroutine
// behind, and the bundle can still be aborted cleanly.
func TestAddFileCancelledMidStream(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "big.bin")
	data := make([]byte, 3*inFlight*chunkSize)
	rand.NewChaCha8([32]byte{5}).Read(data)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, readAgain := range []bool{false, true} {
		w, err := Create(filepath.Join(dir, fmt.Sprintf("bundle-%v", readAgain)), false)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		_, err = w.AddFileWith(ctx, "artefacts/big.bin", RoleArtefact, "application/octet-stream", src,
			CopyOptions{Tee: &cancelAfter{n: 2 * chunkSize, cancel: cancel}, ReadAgain: readAgain})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("read again %v: %v, want context.Canceled", readAgain, err)
		}
		w.Abort()
	}
	shared.NoGoroutinesLeft(t, before)
}

// A small file gets buffers of its own size, not the 4 MiB chunks of a
// large artefact: hashing many small items costs no more memory than they
// take. A file read from its middle is hashed from there.
func TestHashCopySmallFileBuffers(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "small.bin")
	data := make([]byte, 200<<10)
	rand.NewChaCha8([32]byte{6}).Read(data)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	d, err := HashCopy(io.Discard, f)
	runtime.ReadMemStats(&ms1)
	if err != nil {
		t.Fatal(err)
	}
	want := sha512.Sum512(data[1000:])
	if d.Size != int64(len(data)-1000) || d.SHA512 != hex.EncodeToString(want[:]) {
		t.Errorf("digests %+v", d)
	}
	if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 1<<20 {
		t.Errorf("hashing %d bytes allocated %d bytes", len(data), alloc)
	}
}
