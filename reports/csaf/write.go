package csaf

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// Write puts the files into dir (made when absent), each atomically. Without
// force an existing file is refused before anything is written.
func Write(dir string, files []File, force bool) error {
	if !force {
		for _, f := range files {
			p := filepath.Join(dir, f.Name)
			if _, err := os.Lstat(p); err == nil {
				return fmt.Errorf("%s: %w", p, atomicfs.ErrExists)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := atomicfs.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644, force); err != nil {
			return err
		}
	}
	return nil
}
