package atomicfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned when the destination exists and overwriting was not asked for.
var ErrExists = errors.New("already exists (use --force to replace it)")

// WriteFile writes data to path through a temporary file in the same
// directory, synced and renamed into place. Without force an existing path is
// refused.
func WriteFile(path string, data []byte, perm fs.FileMode, force bool) error {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w", path, ErrExists)
		}
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// Dir is a directory being built beside its final place. Nothing is visible at
// the destination until Commit; Abort (or a crash) leaves the destination as
// it was.
type Dir struct {
	Path  string // the staging directory; write into it
	final string
	force bool
}

// NewDir starts a staging directory for dest. Without force an existing dest
// is refused now, before any work is done.
func NewDir(dest string, force bool) (*Dir, error) {
	dest = filepath.Clean(dest)
	if !force {
		if _, err := os.Lstat(dest); err == nil {
			return nil, fmt.Errorf("%s: %w", dest, ErrExists)
		}
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return &Dir{Path: tmp, final: dest, force: force}, nil
}

// Commit moves the staging directory into place. An existing destination
// (allowed by force) is swapped with it atomically where the system allows
// (Linux renameat2 RENAME_EXCHANGE); elsewhere it is moved aside first and
// removed only after the rename, which leaves a short window without it.
func (d *Dir) Commit() error {
	var old string
	if _, err := os.Lstat(d.final); err == nil {
		if !d.force {
			d.Abort()
			return fmt.Errorf("%s: %w", d.final, ErrExists)
		}
		// Where the kernel can swap two paths in one step, there is no
		// moment without either the old or the new output.
		if exchange(d.Path, d.final) == nil {
			os.RemoveAll(d.Path) // now holds the old output
			return nil
		}
		old = d.final + ".old-" + filepath.Base(d.Path)
		if err := os.Rename(d.final, old); err != nil {
			d.Abort()
			return err
		}
	}
	if err := os.Rename(d.Path, d.final); err != nil {
		if old != "" {
			os.Rename(old, d.final)
		}
		d.Abort()
		return err
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

// Abort removes the staging directory.
func (d *Dir) Abort() { os.RemoveAll(d.Path) }
