package generate

import (
	"archive/tar"
	"archive/zip"
	"errors"
	"io"
	"os"
	"strings"
	"time"
)

// memberTimes reads the modification times recorded in a tar or zip
// archive's headers (seeking past contents, so the data is not read again).
// syft's extracted copy does not keep them, and BSI asks for the time when
// a file has no version. Other formats give an empty map.
func memberTimes(p string) map[string]time.Time {
	out := map[string]time.Time{}
	if zr, err := zip.OpenReader(p); err == nil {
		defer zr.Close()
		for _, f := range zr.File {
			out["/"+strings.TrimPrefix(f.Name, "/")] = f.Modified.UTC()
		}
		return out
	}
	f, err := os.Open(p)
	if err != nil {
		return out
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) || err != nil {
			return out
		}
		name := "/" + strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "/")
		out[name] = h.ModTime.UTC()
	}
}
