package archhead

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mholt/archives"
)

// Limits on what an archive artefact may unpack to. syft unpacks archives
// to a temporary folder without bounds, so a small hostile archive could
// fill the disk: these are checked first, from the archive's own headers.
const (
	// MaxExpanded is the most an archive may unpack to.
	MaxExpanded = 16 << 30
	// MaxRatio is the most an archive may grow when unpacked, once it
	// unpacks to more than floor (real firmware images compress a few
	// times; bombs by hundreds or thousands).
	MaxRatio = 100
	floor    = 64 << 20
)

// ErrArchiveBomb is an archive that would unpack beyond the limits.
var ErrArchiveBomb = errors.New("archive would unpack beyond the limits (a decompression bomb?)")

var errStop = errors.New("stop")

// Check reads an archive's headers (member names and sizes; for a
// plain tar or a zip the contents are skipped, a compressed tar is
// decompressed once) and refuses one that would unpack beyond the limits or
// names a member outside its root. It returns what the headers say about
// each member (modification time, symlink target), which syft's extracted
// copy does not keep: the headers are read once, here.
func Check(ctx context.Context, p string) (map[string]Member, error) {
	members := map[string]Member{}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	format, _, err := archives.Identify(ctx, LongName(p), nil)
	if err != nil {
		return members, nil // not an archive syft unpacks
	}
	ex, ok := format.(archives.Extractor)
	if !ok {
		return members, nil
	}
	limit := min(int64(MaxExpanded), max(int64(floor), st.Size()*MaxRatio))
	var total int64
	var bad error
	err = ex.Extract(ctx, f, func(_ context.Context, fi archives.FileInfo) error {
		n := strings.TrimPrefix(filepath.ToSlash(fi.NameInArchive), "./")
		if n != "" && n != "." && !filepath.IsLocal(filepath.FromSlash(n)) {
			bad = fmt.Errorf("archive member %q: path traversal out of the archive's root", fi.NameInArchive)
			return errStop
		}
		if fi.Mode().Type() == 0 || fi.Mode().Type() == fs.ModeIrregular {
			total += max(fi.Size(), 0)
		}
		if n != "" && n != "." {
			m := Member{ModTime: fi.ModTime().UTC()}
			if fi.Mode().Type() == fs.ModeSymlink {
				m.Symlink, m.Target = true, fi.LinkTarget
			}
			members["/"+strings.TrimSuffix(strings.TrimPrefix(n, "/"), "/")] = m
		}
		if total > limit {
			bad = fmt.Errorf("%w: more than %d bytes from %d", ErrArchiveBomb, limit, st.Size())
			return errStop
		}
		return nil
	})
	if bad != nil {
		return nil, bad
	}
	if err != nil && !errors.Is(err, errStop) {
		return nil, fmt.Errorf("unreadable archive: %w", err)
	}
	return members, nil
}

// Member is what an archive's header says about one entry: its
// modification time (BSI asks for it when a file has no version) and, for
// a symbolic link, its target. syft's extracted copy keeps neither (it
// writes a link as an empty file), so they are taken from the headers
// Check reads.
type Member struct {
	ModTime time.Time
	Symlink bool
	Target  string
}

// compoundAliases are the short archive extensions syft maps to their long
// forms before asking mholt/archives (syft issue 4416).
var compoundAliases = map[string]string{
	".tgz": ".tar.gz", ".tbz2": ".tar.bz2", ".txz": ".tar.xz", ".tlz": ".tar.lz", ".tzst": ".tar.zst",
}

// LongName is p with a short compound extension (.tgz) in its long form
// (.tar.gz), the name syft and mholt/archives identify an archive by.
func LongName(p string) string {
	if long, ok := compoundAliases[filepath.Ext(p)]; ok {
		return strings.TrimSuffix(p, filepath.Ext(p)) + long
	}
	return p
}
