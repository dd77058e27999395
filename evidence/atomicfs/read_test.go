package atomicfs

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// TestReadAll: every size hint reads the whole input; an exact hint reads
// it without growing the buffer; a read error is returned.
func TestReadAll(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 10000) // 100,000 bytes
	for _, tc := range []struct {
		name      string
		hint      int64
		wantExact bool // the buffer is the hint's, not grown
	}{
		{"exact", int64(len(data)), true},
		{"smaller", 1000, false},
		{"larger", 1 << 20, true},
		{"none", 0, false},
		{"negative", -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One byte a read: the hardest reader for the growth logic.
			got, err := ReadAll(iotest.OneByteReader(bytes.NewReader(data)), tc.hint)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("read %d bytes, want the %d written", len(got), len(data))
			}
			if tc.wantExact && int64(cap(got)) != max(tc.hint, 0)+1 {
				t.Errorf("capacity %d: the buffer grew beyond the hint %d + 1", cap(got), tc.hint)
			}
		})
	}
	boom := errors.New("boom")
	if _, err := ReadAll(io.MultiReader(bytes.NewReader(data[:10]), iotest.ErrReader(boom)), 100); !errors.Is(err, boom) {
		t.Errorf("error %v, want %v", err, boom)
	}
}
