package copyfile

import (
	"errors"
	"io"
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// directAlign is the alignment O_DIRECT asks of buffers, lengths and offsets.
	directAlign = 4096
	// directWriters is how many O_DIRECT writes are in flight at once. One
	// at a time leaves the disk idle while each completion wakes the
	// writer, which waits for a CPU the hashes hold; two keep it busy
	// (1 GiB on this project's virtio disk, copy alone: 1.15-1.26 s with
	// one, 0.77-0.79 s with two, issue 21).
	directWriters = 2
	// flushEvery is how much data may be written before the disk is asked,
	// in the background, to make it durable (fdatasync). The disk then
	// flushes while the hashes run, instead of all at once in the closing
	// fsync (1 GiB: closing fsync 0.13-0.95 s alone; 0.1-0.3 ms after
	// flushes every 64 MiB, whose waits overlap the copy).
	flushEvery = 64 << 20
)

// Create creates the bundle's copy of an artefact of the given
// size (0 when not known). Where the file system allows it, the space is
// reserved up front and whole aligned chunks are written with O_DIRECT,
// two at a time, at their offsets: the disk reads them from the buffer the
// hashes read, the kernel does not copy them into the page cache first (a
// third of the CPU of a large bundle), and the data is flushed in the
// background as it goes. A chunk that is not aligned (the last, partial
// one) goes through the page cache. A copy that will be read again
// (readAgain: a RAUC bundle's verifier, syft) is written through the page
// cache: read back from it, not from the disk (512 MiB RAUC bundle at load
// 20-30: 8.0 s CPU and 1.1 GB read from the disk with O_DIRECT, 6.9 s and
// none through the page cache).
func Create(full string, size int64, readAgain bool) (File, error) {
	if !readAgain {
		f, err := os.OpenFile(full, os.O_CREATE|os.O_EXCL|os.O_WRONLY|unix.O_DIRECT, 0o644)
		if err == nil {
			return newDirectFile(f, full, size), nil
		}
		if !errors.Is(err, unix.EINVAL) {
			return nil, err
		}
	}
	// Read again, or the file system refuses O_DIRECT (tmpfs, some FUSE): buffered.
	f, err := os.OpenFile(full, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return bufferedFile{f, withWriteback(f)}, nil
}

// bufferedFile is a copy written through the page cache.
type bufferedFile struct {
	*os.File
	w io.Writer
}

func (b bufferedFile) Write(p []byte) (int, error) { return b.w.Write(p) }

// directFile is a copy written with O_DIRECT by several writers at once
// (WriteAt and Writers: bundle's reader hands it chunks from two goroutines).
type directFile struct {
	f    *os.File
	path string

	mu       sync.Mutex
	off      int64    // next offset of Write
	end      int64    // the largest offset written up to
	reserved int64    // the size fallocate set, 0 when none
	buffered *os.File // the same file without O_DIRECT, for unaligned chunks
	unsynced int64    // bytes written since the last background flush was asked
	every    int64    // flushEvery; smaller in tests

	flush   chan struct{} // wakes the flusher (capacity 1: asks coalesce)
	flushed chan error    // the flusher's first error, when it stops
}

func newDirectFile(f *os.File, path string, size int64) *directFile {
	d := &directFile{f: f, path: path, every: flushEvery, flush: make(chan struct{}, 1), flushed: make(chan error, 1)}
	// Reserving the blocks keeps the writes from extending the file: the
	// file system lets two of them run at once and allocates in one piece.
	// Advisory: a file system without fallocate gets extending writes.
	if size > 0 && unix.Fallocate(int(f.Fd()), 0, 0, size) == nil {
		d.reserved = size
	}
	go d.flusher(d.flush)
	return d
}

// flusher makes what was written durable each time it is asked, until
// asked to stop; the closing Sync reports its first error.
func (d *directFile) flusher(asks <-chan struct{}) {
	var first error
	for range asks {
		if err := unix.Fdatasync(int(d.f.Fd())); err != nil && first == nil {
			first = err
		}
	}
	d.flushed <- first
}

// Writers is how many WriteAt calls may run at once.
func (d *directFile) Writers() int { return directWriters }

// Write writes p at the end of what Write wrote before.
func (d *directFile) Write(p []byte) (int, error) {
	d.mu.Lock()
	off := d.off
	d.off += int64(len(p))
	d.mu.Unlock()
	return d.WriteAt(p, off)
}

// WriteAt writes p at off: with O_DIRECT when p is aligned, through the
// page cache when not.
func (d *directFile) WriteAt(p []byte, off int64) (int, error) {
	f := d.f
	if len(p) == 0 || len(p)%directAlign != 0 || off%directAlign != 0 ||
		uintptr(unsafe.Pointer(&p[0]))%directAlign != 0 {
		var err error
		if f, err = d.bufferedFile(); err != nil {
			return 0, err
		}
	}
	n, err := f.WriteAt(p, off)
	d.mu.Lock()
	d.end = max(d.end, off+int64(n))
	d.unsynced += int64(n)
	ask := d.unsynced >= d.every
	if ask {
		d.unsynced = 0
	}
	d.mu.Unlock()
	if ask {
		select {
		case d.flush <- struct{}{}:
		default: // a flush is already asked for; it covers this one
		}
	}
	return n, err
}

func (d *directFile) bufferedFile() (*os.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.buffered == nil {
		f, err := os.OpenFile(d.path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		d.buffered = f
	}
	return d.buffered, nil
}

// Sync stops the background flushes, trims the reserved space to what
// was written and makes the copy durable.
func (d *directFile) Sync() error {
	if d.flush != nil {
		close(d.flush)
		d.flush = nil
		if err := <-d.flushed; err != nil {
			return err
		}
	}
	if d.reserved != d.end && d.reserved > 0 {
		if err := d.f.Truncate(d.end); err != nil {
			return err
		}
	}
	return d.f.Sync() // the inode's: also what went through d.buffered
}

// Close stops the flusher (when Sync did not) and closes the file.
func (d *directFile) Close() error {
	if d.flush != nil {
		close(d.flush)
		d.flush = nil
		<-d.flushed
	}
	var err error
	if d.buffered != nil {
		err = d.buffered.Close()
	}
	if cerr := d.f.Close(); err == nil {
		err = cerr
	}
	return err
}
