// Package atomicfs writes files and directories so that a reader sees either
// the old content or the complete new one, never a partial write: content goes
// to a temporary sibling first and is renamed into place. ReadFile is the
// matching bounded read of an input file.
package atomicfs
