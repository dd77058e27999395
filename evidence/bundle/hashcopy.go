package bundle

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"
	"sync"
)

// Digests of one file.
type Digests struct {
	Size   int64
	SHA256 string
	SHA512 string
}

const chunkSize = 1 << 20

// HashCopy reads r once and feeds each chunk to dst (when non-nil), SHA-256
// and SHA-512 concurrently: the three consumers run in parallel, so a large
// artefact costs about the slowest of them, not their sum.
func HashCopy(dst io.Writer, r io.Reader) (Digests, error) {
	return hashCopy(dst, r, chunkSize)
}

// hashCopy is HashCopy with chunks of at most chunk bytes: a small file
// known in advance needs no megabyte buffers.
func hashCopy(dst io.Writer, r io.Reader, chunk int64) (Digests, error) {
	chunk = max(1, min(chunk, chunkSize))
	h256, h512 := sha256.New(), sha512.New()
	sinks := []io.Writer{h256, h512}
	if dst != nil {
		sinks = append(sinks, dst)
	}
	// Two buffers: one being read while the sinks consume the other.
	bufs := [2][]byte{make([]byte, chunk), make([]byte, chunk)}
	errs := make([]error, len(sinks))
	var size int64
	var wg sync.WaitGroup
	for i := 0; ; i ^= 1 {
		n, rerr := io.ReadFull(r, bufs[i])
		wg.Wait() // the previous chunk is consumed; its buffer may be reused next turn
		for _, e := range errs {
			if e != nil {
				return Digests{}, e
			}
		}
		if n > 0 {
			size += int64(n)
			chunk := bufs[i][:n]
			wg.Add(len(sinks))
			for j, s := range sinks {
				go func() {
					defer wg.Done()
					if _, err := s.Write(chunk); err != nil {
						errs[j] = err
					}
				}()
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			wg.Wait()
			return Digests{}, rerr
		}
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return Digests{}, e
		}
	}
	return Digests{Size: size, SHA256: sum(h256), SHA512: sum(h512)}, nil
}

func sum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
