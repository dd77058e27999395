package atomicfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDirCommit(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "out")
	write := func(force bool, content string) error {
		d, err := NewDir(dest, force)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d.Path, "f"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return d.Commit()
	}
	if err := write(false, "one"); err != nil {
		t.Fatal(err)
	}
	if err := write(false, "two"); !errors.Is(err, ErrExists) {
		t.Fatalf("existing output replaced without force: %v", err)
	}
	if err := write(true, "three"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "f")); string(b) != "three" {
		t.Fatalf("after a forced commit the output holds %q", b)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Fatalf("staging or old folders left behind: %v", entries)
	}
}

func TestWriteFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k")
	if err := WriteFile(p, []byte("a"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("b"), 0o600, false); !errors.Is(err, ErrExists) {
		t.Fatalf("overwrote without force: %v", err)
	}
	if err := WriteFile(p, []byte("b"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "b" || st.Mode().Perm() != 0o600 {
		t.Fatalf("content %q mode %v", b, st.Mode().Perm())
	}
}
