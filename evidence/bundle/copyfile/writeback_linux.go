package copyfile

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// writebackEvery is how much written data may wait before the kernel is
// asked to start writing it to disk.
const writebackEvery = 8 << 20

// earlyWriteback is a file writer that starts the kernel's write-back of
// each written stretch (sync_file_range, asynchronous), so the closing fsync
// of a large artefact finds little left to flush: the disk works while the
// hashes are computed instead of after.
type earlyWriteback struct {
	f         *os.File
	off, pend int64
}

func withWriteback(f *os.File) io.Writer { return &earlyWriteback{f: f} }

func (w *earlyWriteback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.pend += int64(n)
	if w.pend >= writebackEvery {
		// Advisory only: an error here changes nothing the fsync will not catch.
		_ = unix.SyncFileRange(int(w.f.Fd()), w.off, w.pend, unix.SYNC_FILE_RANGE_WRITE)
		w.off += w.pend
		w.pend = 0
	}
	return n, err
}
