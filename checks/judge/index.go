package judge

import (
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/craudit/craudit/evidence/bundle"
)

// readIndex returns the SHA-256 of bundle.json, which pins every item.
func readIndex(b *bundle.Bundle) (string, error) {
	data, err := os.ReadFile(b.Path(bundle.IndexFile))
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:]), nil
}
