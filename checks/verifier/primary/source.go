package primary

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Source gives one repository's files. Metadata names are "N.root.json",
// "timestamp.json", "snapshot.json", "targets.json", "ROLE.json" and
// "delegations/ROLE.json"; Target names are the targets' paths. A file the
// repository does not have is an error wrapping ErrNotFound; a file over
// limit one wrapping ErrTooLarge.
type Source interface {
	Metadata(name string, limit int64) ([]byte, error)
	Target(name string, limit int64) ([]byte, error)
}

// DirSource reads a repository laid out in a folder: metadata at the top,
// targets under TargetsDir (relative; "" is the top, as in the
// tuf-test-vectors).
type DirSource struct {
	Dir        string
	TargetsDir string
}

// Metadata reads Dir/name.
func (d DirSource) Metadata(name string, limit int64) ([]byte, error) {
	return d.read(d.Dir, name, limit)
}

// Target reads Dir/TargetsDir/name.
func (d DirSource) Target(name string, limit int64) ([]byte, error) {
	return d.read(filepath.Join(d.Dir, d.TargetsDir), strings.TrimPrefix(name, "/"), limit)
}

func (d DirSource) read(dir, name string, limit int64) ([]byte, error) {
	if !filepath.IsLocal(name) {
		return nil, fmt.Errorf("%s: %w (not a local path)", name, ErrNotFound)
	}
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, &FatalError{Err: err}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &FatalError{Err: err}
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: %w (%d bytes)", name, ErrTooLarge, limit)
	}
	return b, nil
}
