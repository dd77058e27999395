package atomicfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestExchangeSwaps shows the gap-free path is really taken on this system.
func TestExchangeSwaps(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("A"), 0o644)
	os.WriteFile(b, []byte("B"), 0o644)
	if err := exchange(a, b); err != nil {
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
			t.Skipf("renameat2 RENAME_EXCHANGE unsupported here: %v", err)
		}
		t.Fatal(err)
	}
	if x, _ := os.ReadFile(a); string(x) != "B" {
		t.Fatalf("a holds %q after the swap", x)
	}
}
