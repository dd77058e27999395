package generate

import (
	"context"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/evidence/sbom/generate/archhead"
	"github.com/mholt/archives"
)

// syftExtracts reports whether syft's file source would unpack p: it decides
// by the file's name alone, as syft v1.44 does.
func syftExtracts(p string) bool {
	f, _, err := archives.Identify(context.Background(), archhead.LongName(p), nil)
	if err != nil {
		return false
	}
	_, ok := f.(archives.Extractor)
	return ok
}

// linkAlone makes a folder beside p holding only a hard link to p, under
// p's own name. The folder is on p's file system, so the link cannot cross
// devices.
func linkAlone(p string) (string, func(), error) {
	d, err := os.MkdirTemp(filepath.Dir(p), ".sbom-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(d) }
	if err := os.Link(p, filepath.Join(d, filepath.Base(p))); err != nil {
		cleanup()
		return "", nil, err
	}
	return d, cleanup, nil
}
