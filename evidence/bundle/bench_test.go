package bundle

import (
	"bytes"
	"crypto/sha512"
	"io"
	"testing"
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

func BenchmarkSHA512(b *testing.B) {
	data := bytes.Repeat([]byte("firmware"), benchBytes/8)
	b.SetBytes(benchBytes)
	b.ResetTimer()
	for range b.N {
		h := sha512.New()
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
