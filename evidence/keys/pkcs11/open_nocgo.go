//go:build !cgo

package pkcs11

// Open always fails in a build without cgo: talking to a PKCS#11 module
// needs it.
func Open(u *URI, fallbackPIN func() ([]byte, error)) (*Key, error) {
	return nil, ErrNotBuilt
}

// Key is never made in a build without cgo.
type Key struct{ signerNotBuilt }
