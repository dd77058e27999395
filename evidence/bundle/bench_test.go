package bundle

import (
	"bytes"
	"github.com/craudit/craudit/evidence/bundle/copyfile"
	"github.com/craudit/craudit/evidence/bundle/sha512sys"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const benchBytes = 64 << 20

// BenchmarkHashCopy is one read feeding the copy, SHA-256 and SHA-512; its
// floor is BenchmarkSHA512 (the slowest consumer).
func BenchmarkHashCopy(b *testing.B) {
	data := bytes.Repeat([]byte("firmware"), benchBytes/8)
	b.SetBytes(benchBytes)
	b.ResetTimer()
	for range b.N {
		if _, err := HashCopy(io.Discard, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA512 is the SHA-512 HashCopy uses (sha512sys: libcrypto's
// where it loads) alone.
func BenchmarkSHA512(b *testing.B) {
	data := bytes.Repeat([]byte("firmware"), benchBytes/8)
	b.SetBytes(benchBytes)
	b.ResetTimer()
	for range b.N {
		h := sha512sys.New()
		h.Write(data)
		h.Sum(nil)
	}
}

// BenchmarkRead compares Read of a kept item (memory only) with Read of the
// same item streamed from disk and re-hashed.
func BenchmarkRead(b *testing.B) {
	f := makeBundle(b)
	for _, bc := range []struct {
		name string
		keep int64
	}{{"kept", 0}, {"from-disk", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			bu, err := Open(f.dir, VerifyOptions{Root: f.root.Public(), At: f.at, KeepBytes: bc.keep})
			if err != nil || !bu.OK() {
				b.Fatal(err, bu.Problems)
			}
			it, _ := bu.Index.Item(fwPath)
			b.SetBytes(it.Size)
			b.ResetTimer()
			for range b.N {
				if _, err := bu.Read(fwPath); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAddFilePhases splits AddFile of a large artefact into its two
// phases and reports each: the one read feeding the O_DIRECT copy and both
// hashes (copy-s/op), then the closing fsync (fsync-s/op), which waits for
// the disk's write-back cache (the virtio disk here has one) to take what
// was written. It makes the same calls as AddFileWith. The artefact is
// 256 MiB of random bytes, or CRAUDIT_BENCH_ARTEFACT.
func BenchmarkAddFilePhases(b *testing.B) {
	src := os.Getenv("CRAUDIT_BENCH_ARTEFACT")
	if src == "" {
		src = filepath.Join(b.TempDir(), "firmware.bin")
		data := make([]byte, 256<<20)
		rand.NewChaCha8([32]byte{8}).Read(data)
		if err := os.WriteFile(src, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	out := filepath.Join(b.TempDir(), "copy.bin")
	var copying, syncing time.Duration
	for b.Loop() {
		os.Remove(out)
		in, err := os.Open(src)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		f, err := copyfile.Create(out, st.Size(), false)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := hashCopy(f, in, sizeHint(in), nil); err != nil {
			b.Fatal(err)
		}
		copied := time.Now()
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		copying += copied.Sub(start)
		syncing += time.Since(copied)
		f.Close()
		in.Close()
	}
	os.Remove(out)
	b.ReportMetric(copying.Seconds()/float64(b.N), "copy-s/op")
	b.ReportMetric(syncing.Seconds()/float64(b.N), "fsync-s/op")
}
