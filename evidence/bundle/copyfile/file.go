package copyfile

import "io"

// File is the copy of an artefact being written.
type File interface {
	io.Writer
	// Sync makes the copy durable; Close releases it.
	Sync() error
	Close() error
}
