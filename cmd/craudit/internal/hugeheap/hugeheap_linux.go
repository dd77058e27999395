package hugeheap

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

const (
	thpDir       = "/sys/kernel/mm/transparent_hugepage/"
	madvHugepage = 14 // MADV_HUGEPAGE
)

func prepare(reserve int) bool {
	if !allowed() {
		return false
	}
	huge := uintptr(2 << 20)
	if b, err := os.ReadFile(thpDir + "hpage_pmd_size"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n&(n-1) == 0 {
			huge = uintptr(n)
		}
	}
	// Not make: a fresh span the runtime knows to be zero is not written,
	// but one that starts on pages used before (freed at the top of the
	// heap) is cleared whole, and the whole reservation would become
	// resident. strings.Builder.Grow allocates without clearing, so the
	// buffer is never written but for its first byte.
	var sb strings.Builder
	sb.Grow(reserve)
	sb.WriteByte(0)
	buf := sb.String()
	base := uintptr(unsafe.Pointer(unsafe.StringData(buf)))
	start := (base + huge - 1) &^ (huge - 1)
	end := (base + uintptr(reserve)) &^ (huge - 1)
	ok := false
	if start < end {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, start, end-start, madvHugepage)
		ok = errno == 0
	}
	runtime.KeepAlive(buf)
	sb.Reset()
	buf = ""
	// Free the buffer and hand its pages back as released: the range stays
	// marked, the runtime reuses it first-fit, and the background
	// scavenger has nothing of it to return.
	debug.FreeOSMemory()
	return ok
}

// allowed: THP on "madvise", not switched off for Go's heap, and reserving
// address space cannot fail where it would otherwise succeed.
func allowed() bool {
	// A gigabyte is a quarter of a 32-bit address space.
	if strconv.IntSize < 64 || thpDisabled(os.Getenv("GODEBUG")) {
		return false
	}
	// A memory limit (GOMEMLIMIT) is a budget the reservation must not
	// even briefly count against.
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return false
	}
	b, err := os.ReadFile(thpDir + "enabled")
	if err != nil || thpMode(string(b)) != "madvise" {
		return false
	}
	// Strict overcommit counts reserved address space as memory: a large
	// reservation could fail, and the runtime would stop the program.
	if b, err := os.ReadFile("/proc/sys/vm/overcommit_memory"); err != nil || strings.TrimSpace(string(b)) == "2" {
		return false
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &lim); err != nil || lim.Cur != ^uint64(0) {
		return false
	}
	return true
}
