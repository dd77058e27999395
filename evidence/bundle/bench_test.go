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
