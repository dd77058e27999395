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
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}
