// Package archhead reads an archive artefact's headers once, before syft
// unpacks it: it refuses an archive that would unpack beyond fixed limits
// (a decompression bomb) or names a member outside its root, and keeps
// what syft's extracted copy loses (modification times, symlink targets).
package archhead
