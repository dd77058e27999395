package sha512sys

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestLibcryptoInUse says what is missing when libcrypto is not used; the
// tests below then compare crypto/sha512 with itself.
func TestLibcryptoInUse(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("libcrypto is used on Linux only")
	}
	if !loaded() {
		msg := "libcrypto is not in use: " + Provider() + " (apt-get install libssl3, and build with cgo)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if !strings.HasPrefix(Provider(), "OpenSSL libcrypto (libcrypto.so") {
		t.Fatalf("Provider() = %q", Provider())
	}
	if _, isGo := New().(interface{ MarshalBinary() ([]byte, error) }); isGo {
		t.Fatalf("New() is %T (crypto/sha512's) with libcrypto loaded", New())
	}
	t.Log(Provider())
}

// TestOpenSSLConfigWithoutSHA512 runs this test binary again under an
// OpenSSL configuration that loads only the base provider (no digests):
// libcrypto loads but cannot make a SHA-512, and New must fall back to
// crypto/sha512 instead of failing.
func TestOpenSSLConfigWithoutSHA512(t *testing.T) {
	if os.Getenv("SHA512SYS_CHILD") == "1" {
		h := New()
		h.Write([]byte("abc"))
		want := sha512.Sum512([]byte("abc"))
		os.Stdout.WriteString(Provider() + "\n")
		if !bytes.Equal(h.Sum(nil), want[:]) {
			os.Stdout.WriteString("digest differs\n")
		}
		return
	}
	if !loaded() {
		t.Skip("libcrypto is not in use here: " + Provider())
	}
	conf := filepath.Join(t.TempDir(), "openssl.cnf")
	if err := os.WriteFile(conf, []byte(`openssl_conf = init
[init]
providers = providers
[providers]
base = base
[base]
activate = 1
`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestOpenSSLConfigWithoutSHA512$")
	cmd.Env = append(os.Environ(), "SHA512SYS_CHILD=1", "OPENSSL_CONF="+conf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	want := "Go crypto/sha512 (self-test: sha512sys: libcrypto could not make a SHA-512 context)\n"
	if !strings.HasPrefix(string(out), want) || strings.Contains(string(out), "digest differs") {
		t.Fatalf("child printed %q, want it to start with %q", out, want)
	}
}

func TestMatchesCryptoSHA512(t *testing.T) {
	data := make([]byte, 3<<20+17)
	for i := range data {
		data[i] = byte(i ^ i>>11)
	}
	for _, tc := range []struct {
		name   string
		n      int
		pieces []int // lengths written in turn; the rest in one write
	}{
		{"empty", 0, nil},
		{"one byte", 1, nil},
		{"a block less one", 127, nil},
		{"a block", 128, nil},
		{"a block and one", 129, []int{1}},
		{"bytes one by one", 300, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"the most kept for crypto/sha512", 16 << 10, []int{100}},
		{"one byte past it", 16<<10 + 1, []int{16 << 10}},
		{"megabyte chunks", 3<<20 + 17, []int{1 << 20, 1 << 20, 1 << 20}},
		{"uneven chunks", 3<<20 + 17, []int{7, 65536, 129, 1<<20 - 3}},
	} {
		for _, impl := range impls() {
			t.Run(impl.name+"/"+tc.name, func(t *testing.T) {
				matches(t, impl.h(), data[:tc.n], tc.pieces)
			})
		}
	}
}

// impl is a SHA-512 under test.
type impl struct {
	name string
	h    func() hash.Hash
}

// impls are New and, when libcrypto is in use, libcrypto for every size.
func impls() []impl {
	out := []impl{{"New", New}}
	if loaded() {
		out = append(out, impl{"libcrypto", newSysUnbuffered})
	}
	return out
}

// matches writes data to h in the given pieces (the rest in one write) and
// compares the digest with crypto/sha512's, before and after a second Sum
// and a Reset.
func matches(t *testing.T, h hash.Hash, data []byte, pieces []int) {
	t.Helper()
	want := sha512.Sum512(data)
	rest := data
	for _, p := range pieces {
		p = min(p, len(rest))
		if n, err := h.Write(rest[:p]); n != p || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
		rest = rest[p:]
	}
	h.Write(rest)
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Fatalf("digest %x, crypto/sha512 %x", got, want)
	}
	// Sum leaves the state as it was; Reset starts again.
	if got := h.Sum([]byte{1}); !bytes.Equal(got[1:], want[:]) || got[0] != 1 {
		t.Fatal("a second Sum differs, or lost its prefix")
	}
	h.Reset()
	h.Write(data)
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Fatal("digest after Reset differs")
	}
}

// TestConcurrentHashes runs hashes in several goroutines at once, as the
// bundle does for its artefacts.
func TestConcurrentHashes(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			data := bytes.Repeat([]byte{byte(g)}, 200_000+g)
			want := sha512.Sum512(data)
			for range 20 {
				h := New()
				h.Write(data[:g*1000])
				h.Write(data[g*1000:])
				if !bytes.Equal(h.Sum(nil), want[:]) {
					errs <- errors.New("a digest differs under concurrency")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// wrong hashes are implementations the self-test must refuse.
type dropsLastByte struct{ hash.Hash }

func (d dropsLastByte) Write(p []byte) (int, error) {
	if len(p) > 0 {
		d.Hash.Write(p[:len(p)-1])
	}
	return len(p), nil
}

type sumFinishes struct {
	hash.Hash
	done bool
}

func (s *sumFinishes) Write(p []byte) (int, error) {
	if s.done {
		return len(p), nil // a finished context ignores what follows
	}
	return s.Hash.Write(p)
}

func (s *sumFinishes) Sum(b []byte) []byte { s.done = true; return s.Hash.Sum(b) }

func (s *sumFinishes) Reset() { s.done = false; s.Hash.Reset() }

func TestSelfTest(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func() hash.Hash
		want string // in the error; "" for none
	}{
		{"crypto/sha512", sha512.New, ""},
		{"this package's New", New, ""},
		{"SHA-384 instead", sha512.New384, "size 48"},
		{"a byte lost per write", func() hash.Hash { return dropsLastByte{sha512.New()} }, "differs"},
		{"Sum finishes the context", func() hash.Hash { return &sumFinishes{Hash: sha512.New()} }, "differs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := selfTest(tc.h)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("selfTest = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func FuzzMatchesCryptoSHA512(f *testing.F) {
	f.Add([]byte("abc"), uint16(1))
	f.Add(bytes.Repeat([]byte{0xff}, 300), uint16(129))
	f.Fuzz(func(t *testing.T, data []byte, split uint16) {
		s := min(int(split), len(data))
		want := sha512.Sum512(data)
		for _, im := range impls() {
			h := im.h()
			h.Write(data[:s])
			h.Write(data[s:])
			if !bytes.Equal(h.Sum(nil), want[:]) {
				t.Fatalf("%s: digest of %d bytes split at %d differs from crypto/sha512's", im.name, len(data), s)
			}
		}
	})
}

// BenchmarkSHA512 compares libcrypto's SHA-512 with crypto/sha512 on
// megabyte writes, the bundle's chunk size.
func BenchmarkSHA512(b *testing.B) {
	data := bytes.Repeat([]byte("firmware"), 1<<17)
	for _, bc := range []struct {
		name string
		h    func() hash.Hash
	}{{"crypto-sha512", sha512.New}, {"new", New}} {
		b.Run(bc.name, func(b *testing.B) {
			h := bc.h()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				h.Write(data)
			}
			h.Sum(nil)
		})
	}
}
