package manifest

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
)

func sums(b []byte) (string, string) {
	a, c := sha256.Sum256(b), sha512.Sum512(b)
	return hex.EncodeToString(a[:]), hex.EncodeToString(c[:])
}
