package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
)

// Type names a key algorithm as it appears on the command line.
type Type string

const (
	ECDSAP256 Type = "ecdsa-p256"
	Ed25519   Type = "ed25519"
)

// ParseType accepts the command-line spelling of a key type.
func ParseType(s string) (Type, error) {
	switch Type(s) {
	case ECDSAP256, Ed25519:
		return Type(s), nil
	}
	return "", fmt.Errorf("unknown key type %q (want %s or %s)", s, ECDSAP256, Ed25519)
}

// ErrBadSignature is returned when a signature does not verify.
var ErrBadSignature = errors.New("signature does not verify")

// PrivateKey is a signing key of one of the supported types.
type PrivateKey struct {
	signer crypto.Signer
	typ    Type
	closer io.Closer // a token's session; nil for a key in memory
}

// PublicKey is a verification key of one of the supported types.
type PublicKey struct {
	key crypto.PublicKey
	typ Type
}

// Generate makes a new key from the operating system's random source.
func Generate(t Type) (*PrivateKey, error) {
	switch t {
	case ECDSAP256:
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{signer: k, typ: t}, nil
	case Ed25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		return &PrivateKey{signer: k, typ: t}, nil
	}
	return nil, fmt.Errorf("unknown key type %q", t)
}

// FromSeed derives a key deterministically from a seed. It exists for the
// demo and for tests, whose keys must be the same on every run; Go ignores
// the random source given to ecdsa.GenerateKey, so the scalar is derived here.
// Never use it for a real product key.
func FromSeed(t Type, seed []byte) (*PrivateKey, error) {
	switch t {
	case ECDSAP256:
		n := elliptic.P256().Params().N
		for ctr := byte(0); ctr < 255; ctr++ {
			h := sha256.Sum256(append(append([]byte("craudit-demo-key/"), seed...), ctr))
			d := new(big.Int).SetBytes(h[:])
			if d.Sign() == 0 || d.Cmp(n) >= 0 {
				continue
			}
			k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), h[:])
			if err != nil {
				continue
			}
			return &PrivateKey{signer: k, typ: t}, nil
		}
		return nil, errors.New("cannot derive a P-256 scalar from seed")
	case Ed25519:
		h := sha256.Sum256(append([]byte("craudit-demo-key/"), seed...))
		return &PrivateKey{signer: ed25519.NewKeyFromSeed(h[:]), typ: t}, nil
	}
	return nil, fmt.Errorf("unknown key type %q", t)
}

// Type reports the key's algorithm.
func (k *PrivateKey) Type() Type { return k.typ }

// Signer exposes the key as a crypto.Signer, for libraries (DSSE, TLS, TUF)
// that sign on their own.
func (k *PrivateKey) Signer() crypto.Signer { return k.signer }

// Public returns the public half.
func (k *PrivateKey) Public() *PublicKey {
	return &PublicKey{key: k.signer.Public(), typ: k.typ}
}

// Sign signs msg in the project's single signature format (see package doc).
func (k *PrivateKey) Sign(msg []byte) ([]byte, error) {
	switch k.typ {
	case ECDSAP256:
		d := sha256.Sum256(msg)
		return k.signer.Sign(rand.Reader, d[:], crypto.SHA256)
	case Ed25519:
		return k.signer.Sign(rand.Reader, msg, crypto.Hash(0))
	}
	return nil, fmt.Errorf("unknown key type %q", k.typ)
}

// MarshalPEM encodes the key as a PKCS#8 "PRIVATE KEY" block.
func (k *PrivateKey) MarshalPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// Type reports the key's algorithm.
func (p *PublicKey) Type() Type { return p.typ }

// Crypto returns the standard library key.
func (p *PublicKey) Crypto() crypto.PublicKey { return p.key }

// Verify checks sig over msg; it returns ErrBadSignature when it does not hold.
func (p *PublicKey) Verify(msg, sig []byte) error {
	switch k := p.key.(type) {
	case *ecdsa.PublicKey:
		d := sha256.Sum256(msg)
		if !ecdsa.VerifyASN1(k, d[:], sig) {
			return ErrBadSignature
		}
		return nil
	case ed25519.PublicKey:
		if !ed25519.Verify(k, msg, sig) {
			return ErrBadSignature
		}
		return nil
	}
	return fmt.Errorf("unsupported public key %T", p.key)
}

// DER is the SubjectPublicKeyInfo encoding.
func (p *PublicKey) DER() []byte {
	der, err := x509.MarshalPKIXPublicKey(p.key)
	if err != nil {
		// Only keys of the two supported types are ever constructed.
		panic(err)
	}
	return der
}

// MarshalPEM encodes the key as a "PUBLIC KEY" (SPKI) block.
func (p *PublicKey) MarshalPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: p.DER()})
}

// ID is the hex SHA-256 of the SPKI encoding: stable across PEM formatting.
func (p *PublicKey) ID() string {
	h := sha256.Sum256(p.DER())
	return hex.EncodeToString(h[:])
}

// Equal reports whether two keys are the same key.
func (p *PublicKey) Equal(o *PublicKey) bool {
	return o != nil && p.ID() == o.ID()
}

// maxKeyFile bounds how much of a key file is read: a PEM key is a few hundred bytes.
const maxKeyFile = 64 << 10

// ParsePrivatePEM reads a PKCS#8 (or SEC1 "EC PRIVATE KEY") PEM block. A
// passphrase-protected key gives ErrPassphraseRequired: see
// ParseProtectedPEM.
func ParsePrivatePEM(b []byte) (*PrivateKey, error) {
	return ParseProtectedPEM(b, nil)
}

// Passphrase supplies the passphrase of a protected key (or a token's PIN).
// It is called only when one is needed.
type Passphrase func() ([]byte, error)

// ParseProtectedPEM reads a private key PEM block: PKCS#8, SEC1, or an
// "ENCRYPTED PRIVATE KEY" (PBES2) decrypted with the passphrase pass
// returns. pass may be nil: a protected key then gives ErrPassphraseRequired.
// A passphrase that does not open the key gives ErrWrongPassphrase.
func ParseProtectedPEM(b []byte, pass Passphrase) (*PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block found")
	}
	var (
		k   any
		err error
	)
	switch blk.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(blk.Bytes)
	case EncryptedPEMType:
		if pass == nil {
			return nil, ErrPassphraseRequired
		}
		pw, perr := pass()
		if perr != nil {
			return nil, perr
		}
		der, derr := decryptPKCS8(blk.Bytes, pw)
		if derr != nil {
			return nil, derr
		}
		if k, err = x509.ParsePKCS8PrivateKey(der); err != nil {
			// Valid padding by chance under a wrong key is the usual cause.
			return nil, ErrWrongPassphrase
		}
	default:
		return nil, fmt.Errorf("PEM block is %q, want PRIVATE KEY", blk.Type)
	}
	if err != nil {
		return nil, err
	}
	return fromCrypto(k)
}

// fromCrypto wraps a standard library private key of a supported type.
func fromCrypto(k any) (*PrivateKey, error) {
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("ECDSA curve %s is not supported (want P-256)", k.Curve.Params().Name)
		}
		return &PrivateKey{signer: k, typ: ECDSAP256}, nil
	case ed25519.PrivateKey:
		return &PrivateKey{signer: k, typ: Ed25519}, nil
	}
	return nil, fmt.Errorf("unsupported private key type %T (want ECDSA P-256 or Ed25519)", k)
}

// ParsePublicPEM reads a "PUBLIC KEY" (SPKI) PEM block.
func ParsePublicPEM(b []byte) (*PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block found")
	}
	if blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("PEM block is %q, want PUBLIC KEY", blk.Type)
	}
	return ParsePublicDER(blk.Bytes)
}

// ParsePublicDER reads a SubjectPublicKeyInfo.
func ParsePublicDER(der []byte) (*PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, fmt.Errorf("ECDSA curve %s is not supported (want P-256)", k.Curve.Params().Name)
		}
		return &PublicKey{key: k, typ: ECDSAP256}, nil
	case ed25519.PublicKey:
		return &PublicKey{key: k, typ: Ed25519}, nil
	}
	return nil, fmt.Errorf("unsupported public key type %T (want ECDSA P-256 or Ed25519)", k)
}

// LoadPrivate reads an unprotected private key file; errors name the file.
// Commands that take a signing key use LoadSigner.
func LoadPrivate(path string) (*PrivateKey, error) {
	return loadPrivateFile(path, nil)
}

func loadPrivateFile(path string, pass Passphrase) (*PrivateKey, error) {
	b, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseProtectedPEM(b, pass)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadPublic reads a public key file; errors name the file.
func LoadPublic(path string) (*PublicKey, error) {
	b, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePublicPEM(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a key file", path, maxKeyFile)
	}
	return b, nil
}
