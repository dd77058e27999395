package generate

import (
	"errors"
	"io"
	"os"
	"path"
	"strings"

	stfile "github.com/anchore/stereoscope/pkg/file"
)

// mimeSniffLen is how much of a file syft's directory indexer reads to
// tell its MIME type (the mimetype library's default limit); opaque reads
// the same bytes, so it sees what syft's cataloguers would see.
const mimeSniffLen = 3072

// opaqueExts are the names raw update images ship under. No syft
// cataloguer selects a file by these extensions (TestOpaqueNamesNoSyftGlob
// checks every glob of the syft version in go.mod).
var opaqueExts = map[string]bool{
	".bin": true, ".img": true, ".image": true, ".fw": true, ".raw": true, ".hex": true,
	".dat": true, ".iso": true, ".ubi": true, ".ubifs": true, ".ext2": true, ".ext3": true,
	".ext4": true, ".wic": true, ".sdimg": true, ".vfat": true, ".enc": true,
}

// syftNamePrefixes are name prefixes syft's cataloguers select files by
// (binary classifiers, the kernel cataloguer), and syftNameParts parts of
// names its SBOM cataloguer selects: a file named so is never opaque.
var (
	syftNamePrefixes = []string{"kernel", "vmlinu", "bzimage", "zimage", "python", "libpython", "libpypy",
		"libav", "libswresample", "libqt", "libstd-", "composer", "ghc", "php", "gradle.lockfile"}
	syftNameParts = []string{".bom.", ".cdx.", ".spdx.", ".sbom.", ".syft."}
)

// opaqueName reports whether a file's base name is one of a raw image that
// no syft cataloguer looks for.
func opaqueName(name string) bool {
	base := strings.ToLower(path.Base(name))
	if !opaqueExts[path.Ext(base)] {
		return false
	}
	for _, p := range syftNamePrefixes {
		if strings.HasPrefix(base, p) {
			return false
		}
	}
	for _, p := range syftNameParts {
		if strings.Contains(base, p) {
			return false
		}
	}
	return true
}

// opaque reports whether syft has nothing to find in a regular file: its
// name is a raw image's (opaqueName), its first bytes are no executable, archive or structured format (classify),
// and syft's own MIME detection calls them plain binary data. Such a file
// is described without syft: its component is what syft's cataloguers would
// add nothing to, and neither syft nor its licence scanner (about a second
// of CPU to build) runs for it. Everything else goes through syft. The
// mode is not asked: syft reads the bundle's copy, which is never executable.
func opaque(name string, head []byte) bool {
	if !opaqueName(name) {
		return false
	}
	if k := classify(name, 0o644, head[:min(len(head), sniffLen)]); k.executable || k.archive || k.structured {
		return false
	}
	return stfile.MIMEType(strings.NewReader(string(head))) == "application/octet-stream"
}

// readSniff reads the first mimeSniffLen bytes of the regular file at p.
func readSniff(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	buf := make([]byte, mimeSniffLen)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:n], nil
}

// IsOpaque reports whether the file at p is an opaque artefact that the SBOM
// describes without syft (see opaque). It reads the first 3 KiB of p.
func IsOpaque(p string) bool {
	head, err := readSniff(p)
	return err == nil && opaque(p, head)
}
