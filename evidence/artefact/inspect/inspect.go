package inspect

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/mender"
	"github.com/craudit/craudit/evidence/artefact/rauc"
	"github.com/craudit/craudit/evidence/artefact/swupdate"
)

// Detect names the format of an artefact from its first 512 bytes.
func Detect(head []byte) (artefact.Format, error) {
	switch {
	case bytes.HasPrefix(head, rauc.Magic):
		return artefact.FormatRAUCPlain, nil // plain or verity: the signature tells
	case bytes.HasPrefix(head, []byte(swupdate.MagicNewc)), bytes.HasPrefix(head, []byte(swupdate.MagicCRC)):
		return artefact.FormatSWUpdate, nil
	case mender.IsMender(head):
		return artefact.FormatMender, nil
	}
	return "", artefact.ErrUnknownFormat
}

// Reader verifies the artefact in r of size bytes.
func Reader(r io.ReaderAt, size int64, o artefact.Options) (*artefact.Report, error) {
	head := make([]byte, 512)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	f, err := Detect(head[:n])
	if err != nil {
		return nil, err
	}
	switch f {
	case artefact.FormatRAUCPlain:
		return rauc.Verify(r, size, o)
	case artefact.FormatSWUpdate:
		return swupdate.Verify(io.NewSectionReader(r, 0, size), size, o)
	default:
		return mender.Verify(io.NewSectionReader(r, 0, size), size, o)
	}
}

// File verifies the artefact at path. The error is for a file that cannot
// be opened or read, is of no known format, or is not readable as its
// format at all (*artefact.FormatError).
func File(path string, o artefact.Options) (*artefact.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	rep, err := Reader(f, st.Size(), o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rep.File = filepath.Base(path)
	return rep, nil
}
