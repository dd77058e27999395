package sha512sys

import (
	"bytes"
	"crypto/sha512"
	"fmt"
	"hash"
	"sync"
)

// Size and BlockSize are SHA-512's, whichever implementation computes it.
const (
	Size      = sha512.Size
	BlockSize = sha512.BlockSize
)

// New returns a SHA-512 hash: libcrypto's when it is loaded and passed its
// self-test, crypto/sha512 otherwise and for inputs of at most 16 KiB
// (where a libcrypto context costs more than it saves).
func New() hash.Hash {
	if loaded() {
		return newSys()
	}
	return sha512.New()
}

// Provider names the implementation New uses, and for crypto/sha512 why
// libcrypto is not used ("Go crypto/sha512 (libcrypto.so.3: not found)").
func Provider() string {
	load()
	return provider
}

var (
	loadOnce sync.Once
	provider string
	useSys   bool
)

func loaded() bool { load(); return useSys }

// load loads libcrypto once and keeps it only when its digests match
// crypto/sha512's.
func load() {
	loadOnce.Do(func() {
		name, err := openSys()
		if err == nil {
			err = trySelfTest()
		}
		if err != nil {
			provider = "Go crypto/sha512 (" + err.Error() + ")"
			return
		}
		useSys, provider = true, name
	})
}

// trySelfTest is selfTest of libcrypto for every input size, which may
// fail to make a context at all (an OpenSSL configuration that loads no
// provider with SHA-512).
func trySelfTest() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("self-test: %v", r)
		}
	}()
	return selfTest(newSysUnbuffered)
}

// selfTest compares newHash's digests with crypto/sha512's on inputs of
// several lengths (around the 128-byte block and beyond 128 KiB),
// written in uneven pieces, with Sum taken midway and after Reset.
func selfTest(newHash func() hash.Hash) error {
	data := make([]byte, 1<<17+333)
	for i := range data {
		data[i] = byte(i*7 + i>>9)
	}
	for _, n := range []int{0, 3, 111, 112, 127, 128, 129, 255, 256, 1000, 65536 + 5, len(data)} {
		want := sha512.Sum512(data[:n])
		h := newHash()
		if h.Size() != Size || h.BlockSize() != BlockSize {
			return fmt.Errorf("self-test: size %d, block size %d", h.Size(), h.BlockSize())
		}
		h.Write([]byte("discarded by Reset"))
		h.Reset()
		half := n / 2
		h.Write(data[:half/3])
		h.Write(data[half/3 : half])
		mid := h.Sum(nil)
		if wantMid := sha512.Sum512(data[:half]); !bytes.Equal(mid, wantMid[:]) {
			return fmt.Errorf("self-test: digest of %d bytes differs from crypto/sha512's", half)
		}
		h.Write(data[half:n])
		if got := h.Sum([]byte("prefix")); !bytes.Equal(got, append([]byte("prefix"), want[:]...)) {
			return fmt.Errorf("self-test: digest of %d bytes differs from crypto/sha512's", n)
		}
	}
	return nil
}
