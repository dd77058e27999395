//go:build cgo && linux

package sha512sys

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>

// The few libcrypto entry points used, declared here so that no OpenSSL
// headers are needed to build: their signatures are stable since 1.1.0.
typedef void *(*ctx_new_fn)(void);
typedef void (*ctx_free_fn)(void *);
typedef const void *(*md_fn)(void);
typedef int (*init_fn)(void *, const void *, void *);
typedef int (*update_fn)(void *, const void *, size_t);
typedef int (*final_fn)(void *, unsigned char *, unsigned int *);
typedef int (*copy_fn)(void *, const void *);
typedef const char *(*version_fn)(int);

static ctx_new_fn ctx_new;
static ctx_free_fn ctx_free;
static md_fn md_sha512;
static init_fn digest_init;
static update_fn digest_update;
static final_fn digest_final;
static copy_fn ctx_copy;
static version_fn openssl_version;

// load_libcrypto returns 0 when every entry point was found, 1 when no
// library could be opened, 2 when one lacks a symbol.
static int load_libcrypto(const char *name) {
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) return 1;
	ctx_new = (ctx_new_fn)dlsym(h, "EVP_MD_CTX_new");
	ctx_free = (ctx_free_fn)dlsym(h, "EVP_MD_CTX_free");
	md_sha512 = (md_fn)dlsym(h, "EVP_sha512");
	digest_init = (init_fn)dlsym(h, "EVP_DigestInit_ex");
	digest_update = (update_fn)dlsym(h, "EVP_DigestUpdate");
	digest_final = (final_fn)dlsym(h, "EVP_DigestFinal_ex");
	ctx_copy = (copy_fn)dlsym(h, "EVP_MD_CTX_copy_ex");
	openssl_version = (version_fn)dlsym(h, "OpenSSL_version");
	if (!ctx_new || !ctx_free || !md_sha512 || !digest_init || !digest_update || !digest_final || !ctx_copy) {
		dlclose(h);
		return 2;
	}
	return 0;
}

static const char *version(void) { return openssl_version ? openssl_version(0) : "unknown version"; }

// new_ctx returns a context ready for SHA-512, or NULL.
static void *new_ctx(void) {
	void *c = ctx_new();
	if (c != NULL && digest_init(c, md_sha512(), NULL) != 1) {
		ctx_free(c);
		return NULL;
	}
	return c;
}

static int reset(void *c) { return digest_init(c, md_sha512(), NULL); }
static int update(void *c, const void *p, size_t n) { return digest_update(c, p, n); }
static void free_ctx(void *c) { ctx_free(c); }

// sum writes the digest of what c has taken to out without finishing c.
static int sum(const void *c, unsigned char *out) {
	void *t = ctx_new();
	unsigned int n = 0;
	int ok = t != NULL && ctx_copy(t, c) == 1 && digest_final(t, out, &n) == 1 && n == 64;
	if (t != NULL) ctx_free(t);
	return ok;
}
*/
import "C"

import (
	"crypto/sha512"
	"errors"
	"hash"
	"runtime"
	"unsafe"
)

// libraries are the names tried, in order: OpenSSL 3, then 1.1.
var libraries = []string{"libcrypto.so.3", "libcrypto.so.1.1"}

func openSys() (string, error) {
	for _, name := range libraries {
		cname := C.CString(name)
		rc := C.load_libcrypto(cname)
		C.free(unsafe.Pointer(cname))
		switch rc {
		case 0:
			return "OpenSSL libcrypto (" + name + ", " + C.GoString(C.version()) + ")", nil
		case 2:
			return "", errors.New(name + ": a libcrypto entry point is missing")
		}
	}
	return "", errors.New(libraries[0] + ": not found")
}

// smallInput is the input size up to which New's hash is computed by
// crypto/sha512, from a copy of the input: making and reading out a
// libcrypto context costs about 3 µs, more than crypto/sha512 takes for
// 16 KiB (100 bytes: 3.6 µs against 0.6; 16 KiB: 40 µs against 41).
const smallInput = 16 << 10

// sysHash is a SHA-512 computed by libcrypto once its input passes small
// bytes, and by crypto/sha512 from head until then. Its libcrypto context
// is made on first use, kept across Reset and freed when the hash is
// collected.
type sysHash struct {
	small   int
	head    []byte // the input, while it is small
	started bool   // the input goes to ctx
	ctx     unsafe.Pointer
}

func newSys() hash.Hash { return &sysHash{small: smallInput} }

// newSysUnbuffered is libcrypto for any input size: what the self-test checks.
func newSysUnbuffered() hash.Hash { return &sysHash{} }

func (h *sysHash) Write(p []byte) (int, error) {
	if !h.started {
		if len(h.head)+len(p) <= h.small {
			h.head = append(h.head, p...)
			return len(p), nil
		}
		h.start()
	}
	h.update(p)
	return len(p), nil
}

// start hands the input so far to a libcrypto context.
func (h *sysHash) start() {
	if h.ctx == nil {
		ctx := C.new_ctx()
		if ctx == nil {
			// Out of memory in C, or libcrypto refusing a digest it passed
			// its self-test with: not a state the bundle can judge from.
			panic("sha512sys: libcrypto could not make a SHA-512 context")
		}
		h.ctx = ctx
		runtime.AddCleanup(h, func(c unsafe.Pointer) { C.free_ctx(c) }, ctx)
	} else if C.reset(h.ctx) != 1 {
		panic("sha512sys: libcrypto could not reset a SHA-512")
	}
	h.started = true
	h.update(h.head)
	h.head = h.head[:0]
}

func (h *sysHash) update(p []byte) {
	if len(p) > 0 && C.update(h.ctx, unsafe.Pointer(&p[0]), C.size_t(len(p))) != 1 {
		panic("sha512sys: libcrypto refused an update")
	}
	runtime.KeepAlive(h)
}

func (h *sysHash) Sum(b []byte) []byte {
	if !h.started {
		s := sha512.Sum512(h.head)
		return append(b, s[:]...)
	}
	var out [Size]byte
	if C.sum(h.ctx, (*C.uchar)(&out[0])) != 1 {
		panic("sha512sys: libcrypto could not finish a SHA-512")
	}
	runtime.KeepAlive(h)
	return append(b, out[:]...)
}

func (h *sysHash) Reset() { h.head, h.started = h.head[:0], false }

func (h *sysHash) Size() int      { return Size }
func (h *sysHash) BlockSize() int { return BlockSize }
