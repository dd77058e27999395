package uptane

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
)

// PrivateKey is a signing key with its public half as dialect d publishes
// it, and the ID it is published under.
type PrivateKey struct {
	Signer  crypto.Signer
	Public  *Key
	ID      string
	Dialect Dialect
}

// GenerateKey makes a key of algorithm a for dialect d (rnd nil:
// crypto/rand; Go ignores it for ECDSA and RSA).
func GenerateKey(a Algorithm, d Dialect, rnd io.Reader) (*PrivateKey, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	var s crypto.Signer
	var err error
	switch a {
	case Ed25519:
		_, s, err = ed25519.GenerateKey(rnd)
	case ECDSAP256:
		s, err = ecdsa.GenerateKey(elliptic.P256(), rnd)
	case RSA:
		s, err = rsa.GenerateKey(rnd, 2048)
	default:
		err = fmt.Errorf("%w: algorithm %q", ErrBadKey, a)
	}
	if err != nil {
		return nil, err
	}
	return NewPrivateKey(s, d)
}

// NewPrivateKey wraps s (ed25519.PrivateKey, *ecdsa.PrivateKey on P-256
// or *rsa.PrivateKey) for dialect d. The public key is published as:
// TUF — keytype ed25519 (hex) / ecdsa-sha2-nistp256 / rsa (PEM) with a
// scheme, ID in KeyIDTUF; OTA — keytype ED25519 (hex) / ECPRIME256V1 /
// RSA (PEM) without scheme, ID in KeyIDAktualizr for Ed25519 and
// KeyIDSPKI otherwise.
func NewPrivateKey(s crypto.Signer, d Dialect) (*PrivateKey, error) {
	var kj keyJSON
	var idScheme KeyIDScheme
	pemOf := func() (string, error) {
		der, err := x509.MarshalPKIXPublicKey(s.Public())
		if err != nil {
			return "", err
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
	}
	var err error
	switch p := s.Public().(type) {
	case ed25519.PublicKey:
		kj.KeyVal.Public = hex.EncodeToString(p)
		kj.KeyType, kj.Scheme, idScheme = "ed25519", "ed25519", KeyIDTUF
		if d == DialectOTA {
			kj.KeyType, kj.Scheme, idScheme = "ED25519", "", KeyIDAktualizr
		}
	case *ecdsa.PublicKey:
		if p.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA curve %s (want P-256)", ErrBadKey, p.Curve.Params().Name)
		}
		kj.KeyVal.Public, err = pemOf()
		kj.KeyType, kj.Scheme, idScheme = "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256", KeyIDTUF
		if d == DialectOTA {
			kj.KeyType, kj.Scheme, idScheme = "ECPRIME256V1", "", KeyIDSPKI
		}
	case *rsa.PublicKey:
		kj.KeyVal.Public, err = pemOf()
		kj.KeyType, kj.Scheme, idScheme = "rsa", "rsassa-pss-sha256", KeyIDTUF
		if d == DialectOTA {
			kj.KeyType, kj.Scheme, idScheme = "RSA", "", KeyIDSPKI
		}
	default:
		return nil, fmt.Errorf("%w: signer of type %T", ErrBadKey, p)
	}
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(kj)
	if err != nil {
		return nil, err
	}
	k, err := ParseKey(raw)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{Signer: s, Public: k, ID: k.ID(idScheme), Dialect: d}, nil
}

// Method is the signature method this key writes.
func (p *PrivateKey) Method() string {
	switch p.Public.Algorithm {
	case Ed25519:
		return "ed25519"
	case ECDSAP256:
		return "ecdsa-sha2-nistp256"
	}
	return "rsassa-pss-sha256"
}

// SignBytes signs msg as the dialect expects: Ed25519 over the bytes,
// ECDSA (ASN.1 DER) and RSA-PSS (salt 32) over SHA-256; hex in the TUF
// dialect, base64 in the OTA one.
func (p *PrivateKey) SignBytes(msg []byte) (Signature, error) {
	var sig []byte
	var err error
	switch p.Public.Algorithm {
	case Ed25519:
		sig, err = p.Signer.Sign(nil, msg, crypto.Hash(0))
	case ECDSAP256:
		h := sha256.Sum256(msg)
		sig, err = p.Signer.Sign(rand.Reader, h[:], crypto.SHA256)
	case RSA:
		h := sha256.Sum256(msg)
		sig, err = p.Signer.Sign(rand.Reader, h[:], &rsa.PSSOptions{SaltLength: 32, Hash: crypto.SHA256})
	}
	if err != nil {
		return Signature{}, err
	}
	s := Signature{KeyID: p.ID, Method: p.Method()}
	if p.Dialect == DialectOTA {
		s.Sig = base64.StdEncoding.EncodeToString(sig)
	} else {
		s.Sig = hex.EncodeToString(sig)
	}
	return s, nil
}

// KeyObject returns the key object to publish in a root or delegations.
func (p *PrivateKey) KeyObject() json.RawMessage { return p.Public.Raw }

// FormOf is the canonical form a dialect signs.
func FormOf(d Dialect) Form {
	if d == DialectOTA {
		return FormJSONSubset
	}
	return FormOLPC
}

// Sign wraps signed (any JSON-marshalable value, or json.RawMessage) in an
// envelope signed by every key in its dialect's canonical form. All keys
// must be of dialect d. The output is indented JSON.
func Sign(signed any, d Dialect, keys ...*PrivateKey) ([]byte, error) {
	raw, ok := signed.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(signed)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	msg, err := Canonical(raw, FormOf(d))
	if err != nil {
		return nil, err
	}
	// The OLPC form leaves control characters raw, which JSON forbids: the
	// envelope carries the JSON-subset form, and verifiers canonicalise
	// again.
	body, err := Canonical(raw, FormJSONSubset)
	if err != nil {
		return nil, err
	}
	sigs := make([]Signature, 0, len(keys))
	for _, k := range keys {
		if k.Dialect != d {
			return nil, fmt.Errorf("key %s is for dialect %s, not %s", short(k.ID), k.Dialect, d)
		}
		s, err := k.SignBytes(msg)
		if err != nil {
			return nil, err
		}
		sigs = append(sigs, s)
	}
	return json.MarshalIndent(envelope{Signatures: sigs, Signed: body}, "", "  ")
}
