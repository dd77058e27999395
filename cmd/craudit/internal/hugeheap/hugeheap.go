package hugeheap

import "strings"

// Reserve is how much heap address space Prepare marks for huge pages: the
// peak heap of a check of a 100,000-component SBOM fits in it.
const Reserve = 1 << 30

// Prepare marks the heap's next Reserve bytes of address space for
// transparent huge pages when the system leaves that to the program (see
// the package documentation), and reports whether it did. Call it first in
// main, before the command allocates.
func Prepare() bool { return prepare(Reserve) }

// thpMode is the selected mode of a /sys/kernel/mm/transparent_hugepage/enabled
// text ("always [madvise] never" -> "madvise"), or "" when there is none.
func thpMode(s string) string {
	_, rest, ok := strings.Cut(s, "[")
	if !ok {
		return ""
	}
	mode, _, ok := strings.Cut(rest, "]")
	if !ok {
		return ""
	}
	return mode
}

// thpDisabled reports whether a GODEBUG value turns huge pages off for the
// heap (disablethp=1; a later setting wins, as in the runtime).
func thpDisabled(godebug string) bool {
	off := false
	for _, kv := range strings.Split(godebug, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && k == "disablethp" {
			off = v == "1"
		}
	}
	return off
}
