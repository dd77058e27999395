//go:build !linux

package bundle

import (
	"io"
	"os"
)

type artefactFile interface {
	io.Writer
	Sync() error
	Close() error
}

func createArtefact(full string, _ int64, _ bool) (artefactFile, error) {
	return os.OpenFile(full, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
}
