package pkcs11

import (
	"crypto"
	"errors"
	"io"
)

// ErrNotBuilt is returned by Open in a binary built without cgo.
var ErrNotBuilt = errors.New("pkcs11 support not built (cgo disabled)")

// ErrWrongPIN is returned when the token refuses the PIN.
var ErrWrongPIN = errors.New("the token refused the PIN")

// signerNotBuilt gives the cgo-less Key the methods of the real one.
type signerNotBuilt struct{}

func (signerNotBuilt) Public() crypto.PublicKey { return nil }
func (signerNotBuilt) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, ErrNotBuilt
}
func (signerNotBuilt) Close() error { return nil }

var (
	_ crypto.Signer = (*Key)(nil)
	_ io.Closer     = (*Key)(nil)
)
