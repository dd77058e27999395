// Package hugeheap lets a craudit command's Go heap use transparent huge
// pages (THP) where the kernel leaves that choice to the program.
//
// Go maps its heap with 4 KiB pages unless THP is "always"; on the common
// "madvise" setting the heap never gets huge pages, and every fresh 4 KiB
// page costs a page fault. craudit's commands are short and allocate most
// of their memory once (a decoded SBOM, a report), so those faults are a
// large part of their time: on the 2-core machine of docs/performance.md
// (a virtual machine whose page faults are expensive) `check` of a
// 10,000-component bundle took 0.95-1.13 s with 27,000-31,000 page faults,
// and 0.43-0.61 s with about 5,500 after Prepare.
//
// Prepare reserves heap address space once, at start: it allocates one
// large buffer without clearing it (address space only: nothing is
// written), marks its range MADV_HUGEPAGE, and frees it at once. Later allocations reuse that range, whose first touch then maps
// 2 MiB at a time. Nothing is kept: the peak resident memory of the
// commands measured grew by at most a few percent.
//
// Prepare does nothing when the kernel's THP setting is not "madvise"
// ("always" needs nothing; "never" allows nothing), when GODEBUG holds
// disablethp=1 (Go's own switch against huge pages for the heap), when a
// memory limit is set (GOMEMLIMIT), or where reserving address space could
// fail: strict overcommit (vm.overcommit_memory=2) or a finite
// address-space limit (ulimit -v).
package hugeheap
