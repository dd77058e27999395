package main

import (
	"fmt"
	"io"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/keys"
)

// writeOutput writes machine output to --out atomically, or to stdout.
func writeOutput(stdout io.Writer, out string, force bool, data []byte) error {
	if out == "" || out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfs.WriteFile(out, data, 0o644, force)
}

func loadTrust(path string) (*keys.PublicKey, error) {
	if path == "" {
		return nil, fmt.Errorf("--trust is required (the manufacturer's root public key)")
	}
	return keys.LoadPublic(path)
}
