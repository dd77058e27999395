package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"errors"
	"fmt"
	"io"

	"github.com/craudit/craudit/evidence/keys/pkcs11"
)

// SignerOptions say how LoadSigner may unlock a key.
type SignerOptions struct {
	// Passphrase unlocks a passphrase-protected key file, and gives the PIN
	// of a PKCS#11 token whose URI carries none. nil: such keys are refused
	// with ErrPassphraseRequired (or pkcs11.ErrNoPIN).
	Passphrase Passphrase
}

// IsPKCS11 reports whether a --signing-key value is a PKCS#11 URI.
func IsPKCS11(ref string) bool { return pkcs11.IsURI(ref) }

// LoadSigner opens the signing key every command takes with --signing-key:
// a PEM file (PKCS#8, SEC1, or passphrase-protected PKCS#8) or an RFC 7512
// "pkcs11:" URI naming a key in a token. Close the key when done (a no-op
// for a file key). Errors name the file, or the URI without its PIN.
func LoadSigner(ref string, o SignerOptions) (*PrivateKey, error) {
	if !IsPKCS11(ref) {
		return loadPrivateFile(ref, o.Passphrase)
	}
	u, err := pkcs11.ParseURI(ref)
	if err != nil {
		return nil, err
	}
	tk, err := pkcs11.Open(u, o.Passphrase)
	if err != nil {
		if errors.Is(err, pkcs11.ErrNotBuilt) {
			return nil, fmt.Errorf("%s: %w", u, err)
		}
		return nil, err
	}
	k, err := fromSigner(tk)
	if err != nil {
		tk.Close()
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	k.closer = tk
	return k, nil
}

// fromSigner wraps a signer whose key stays elsewhere (a token).
func fromSigner(s crypto.Signer) (*PrivateKey, error) {
	switch p := s.Public().(type) {
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return nil, errors.New("ECDSA key is not on P-256")
		}
		return &PrivateKey{signer: s, typ: ECDSAP256}, nil
	case ed25519.PublicKey:
		return &PrivateKey{signer: s, typ: Ed25519}, nil
	}
	return nil, fmt.Errorf("unsupported public key %T", s.Public())
}

// Close releases a key held in a token; for a key in memory it does nothing.
func (k *PrivateKey) Close() error {
	if k == nil || k.closer == nil {
		return nil
	}
	c := k.closer
	k.closer = nil
	return c.Close()
}

var _ io.Closer = (*PrivateKey)(nil)
