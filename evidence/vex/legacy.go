package vex

import (
	"os"
	"path/filepath"

	govex "github.com/openvex/go-vex/pkg/vex"
)

// openLegacy reads an OpenVEX document of an older context version
// (v0.0.1 ...). go-vex converts those only when opening a file, so the
// bytes pass through a private temporary file.
func openLegacy(b []byte) (*govex.VEX, error) {
	dir, err := os.MkdirTemp("", "craudit-vex-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "doc.json")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return nil, err
	}
	return govex.Open(p)
}
