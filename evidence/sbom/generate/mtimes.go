package generate

import "github.com/craudit/craudit/evidence/sbom/generate/archhead"

// member is what an archive's header says about one entry (archhead).
type member = archhead.Member

// The limits on what an archive artefact may unpack to (archhead).
const (
	MaxExpanded = archhead.MaxExpanded
	MaxRatio    = archhead.MaxRatio
)

// ErrArchiveBomb is an archive that would unpack beyond the limits.
var ErrArchiveBomb = archhead.ErrArchiveBomb

// treeLink is a symbolic link inside an archive or folder: a name for
// another file, not a file of its own. The SBOM lists it by name and target,
// never as a component with a content hash.
type treeLink struct {
	path, target string
}
