package hugeheap

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestPrepareMarksTheHeap: after Prepare, a large allocation lies in a
// mapping the kernel lists with the "hg" flag (MADV_HUGEPAGE), and its
// first touch maps huge pages where the kernel has them to give.
func TestPrepareMarksTheHeap(t *testing.T) {
	if !allowed() {
		b, _ := os.ReadFile(thpDir + "enabled")
		t.Skipf("transparent huge pages are %q here (or GODEBUG, overcommit or ulimit -v rule them out): Prepare does nothing", strings.TrimSpace(string(b)))
	}
	if !Prepare() {
		t.Fatal("Prepare did not mark the heap where it is allowed to")
	}
	buf := make([]byte, 64<<20)
	for i := 0; i < len(buf); i += 4096 {
		buf[i] = 1
	}
	flags, huge := mapping(t, uintptr(unsafe.Pointer(unsafe.SliceData(buf))))
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
