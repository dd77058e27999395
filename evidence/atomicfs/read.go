package atomicfs

import (
	"fmt"
	"io"
	"os"
)

// ReadFile reads a regular file of at most limit bytes: the bounded read
// every input file of the tool goes through. A symlink is followed (the
// caller decides whether that is allowed); a device, pipe or folder, or a
// file over the limit, is an error naming the path.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := ReadAll(io.LimitReader(f, limit+1), min(st.Size(), limit))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}

// ReadAll reads r to its end into one buffer of size+1 bytes, grown only if
// r holds more: a reader whose size is known ahead (a file's, an announced
// length) is read with no copy and no reallocation, the one byte more
// seeing the end. A size of 0 or less starts small.
func ReadAll(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 {
		size = 511
	}
	buf := make([]byte, 0, size+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
