package hugeheap

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// TestPrepareMarksTheHeap: after Prepare, a large allocation lies in a
// mapping the kernel lists with the "hg" flag (MADV_HUGEPAGE), and its
// first touch maps huge pages where the kernel has them to give.
func TestPrepareMarksTheHeap(t *testing.T) {
	if !allowed() {
		b, _ := os.ReadFile(thpDir + "enabled")
		t.Skipf("transparent huge pages are %q here (or GODEBUG, GOMEMLIMIT, overcommit or ulimit -v rule them out): Prepare does nothing", strings.TrimSpace(string(b)))
	}
	if !Prepare() {
		t.Fatal("Prepare did not mark the heap where it is allowed to")
	}
	buf := make([]byte, 64<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	// The middle: the reservation's first huge-page boundary may lie a
	// little after the buffer's start.
	flags, huge := mapping(t, uintptr(unsafe.Pointer(unsafe.SliceData(buf)))+uintptr(len(buf)/2))
	runtime.KeepAlive(buf)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Fatalf("the allocation's mapping has VmFlags %q: no hg (MADV_HUGEPAGE)", flags)
	}
	t.Logf("AnonHugePages of the mapping: %s", huge)
}

// mapping reads /proc/self/smaps for the mapping holding addr: its VmFlags
// and AnonHugePages lines.
func mapping(t *testing.T, addr uintptr) (flags, huge string) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := addrRange(line); ok {
			if in {
				break
			}
			in = lo <= addr && addr < hi
			continue
		}
		if !in {
			continue
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			flags = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "AnonHugePages:"); ok {
			huge = strings.TrimSpace(v)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if flags == "" {
		t.Fatalf("no mapping of %#x in /proc/self/smaps", addr)
	}
	return flags, huge
}

// addrRange parses the "lo-hi" that starts a mapping's header line in smaps.
func addrRange(line string) (lo, hi uintptr, ok bool) {
	field, _, _ := strings.Cut(line, " ")
	a, b, found := strings.Cut(field, "-")
	if !found {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(a, 16, 64)
	h, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}

// TestPrepareWritesNothing: the reservation stays address space even when
// it lies on pages the heap used and freed before (as a second Prepare's
// does: the first one's). A cleared reservation would fault in the whole
// gigabyte.
func TestPrepareWritesNothing(t *testing.T) {
	if !allowed() {
		t.Skip("Prepare does nothing here (see TestPrepareMarksTheHeap)")
	}
	for i := range 2 {
		junk := make([]byte, 32<<20)
		for i := 0; i < len(junk); i += 4096 {
			junk[i] = 1
		}
		runtime.KeepAlive(junk)
		junk = nil
		runtime.GC()
		before := usage(t)
		if !Prepare() {
			t.Fatal("Prepare did not mark the heap where it is allowed to")
		}
		after := usage(t)
		// A cleared gigabyte is 262,144 faults of 4 KiB pages, or 512 of
		// 2 MiB ones where the range was marked before; either way the
		// peak resident memory grows by the gigabyte.
		if n, grew := after.Minflt-before.Minflt, (after.Maxrss-before.Maxrss)<<10; n > 4096 || grew > 64<<20 {
			t.Fatalf("Prepare %d: %d page faults, peak resident memory %d MiB higher: the reservation was written", i+1, n, grew>>20)
		}
	}
}

// usage is this process's resource usage so far (Maxrss in KiB).
func usage(t *testing.T) syscall.Rusage {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return ru
}
