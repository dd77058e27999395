package generate

import "time"

// member is what an archive's header says about one entry: its
// modification time (BSI asks for it when a file has no version) and, for
// a symbolic link, its target. syft's extracted copy keeps neither (it
// writes a link as an empty file), so they are taken from the headers
// checkArchive reads.
type member struct {
	modTime time.Time
	symlink bool
	target  string
}

// treeLink is a symbolic link inside an archive or folder: a name for
// another file, not a file of its own. The SBOM lists it by name and target,
// never as a component with a content hash.
type treeLink struct {
	path, target string
}
