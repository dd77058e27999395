package uptane

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
)

// Algorithm is a key's algorithm, whatever the dialect calls it.
type Algorithm string

const (
	Ed25519   Algorithm = "ed25519"
	ECDSAP256 Algorithm = "ecdsa-p256"
	RSA       Algorithm = "rsa"
)

// KeyIDScheme is one way deployments compute a key's ID.
type KeyIDScheme string

const (
	// KeyIDTUF: SHA-256 of the key object as published, in FormOLPC (TUF,
	// the reference implementation).
	KeyIDTUF KeyIDScheme = "tuf"
	// KeyIDSPKI: SHA-256 of the public key's SubjectPublicKeyInfo DER
	// (ota-tuf, the uptane director).
	KeyIDSPKI KeyIDScheme = "ota-tuf-spki"
	// KeyIDAktualizr: SHA-256 of the JSON string of keyval.public with
	// its trailing newline removed, quotes included, `\n` escaped
	// (aktualizr; also the tuf-test-vectors).
	KeyIDAktualizr KeyIDScheme = "aktualizr"
)

// KeyIDSchemes lists the schemes in the order they are tried.
var KeyIDSchemes = []KeyIDScheme{KeyIDTUF, KeyIDSPKI, KeyIDAktualizr}

// Key is a public key as one Uptane document publishes it.
type Key struct {
	// Algorithm is the normalised algorithm.
	Algorithm Algorithm
	// Type, Scheme and PublicText are the published keytype, scheme
	// (empty in the OTA dialect) and keyval.public.
	Type, Scheme, PublicText string
	// Public is the parsed key: ed25519.PublicKey, *ecdsa.PublicKey or
	// *rsa.PublicKey.
	Public crypto.PublicKey
	// Raw is the key object as published (for the TUF key ID).
	Raw json.RawMessage
}

type keyJSON struct {
	KeyType string `json:"keytype"`
	Scheme  string `json:"scheme,omitempty"`
	KeyVal  struct {
		Public string `json:"public"`
	} `json:"keyval"`
}

// ParseKey reads one key object: TUF style (keytype ed25519,
// ecdsa-sha2-nistp256, ecdsa, rsa with a scheme) or OTA style (keytype
// RSA, ED25519, ECPRIME256V1 without one); keyval.public is hex (Ed25519)
// or PEM (SubjectPublicKeyInfo, or PKCS#1 for RSA).
func ParseKey(raw []byte) (*Key, error) {
	var kj keyJSON
	if err := json.Unmarshal(raw, &kj); err != nil {
		return nil, &DecodeError{What: "key", Err: fmt.Errorf("%w: %v", ErrBadKey, err)}
	}
	k := &Key{Type: kj.KeyType, Scheme: kj.Scheme, PublicText: kj.KeyVal.Public, Raw: append(json.RawMessage(nil), raw...)}
	pub := kj.KeyVal.Public
	switch strings.ToLower(kj.KeyType) {
	case "ed25519":
		k.Algorithm = Ed25519
		if strings.Contains(pub, "-----BEGIN") {
			p, err := parsePEM(pub)
			if err != nil {
				return nil, err
			}
			e, ok := p.(ed25519.PublicKey)
			if !ok {
				return nil, keyErr("keytype %s but the PEM holds a %T", kj.KeyType, p)
			}
			k.Public = e
		} else {
			b, err := hex.DecodeString(pub)
			if err != nil || len(b) != ed25519.PublicKeySize {
				return nil, keyErr("ed25519 public key is not %d bytes of hex", ed25519.PublicKeySize)
			}
			k.Public = ed25519.PublicKey(b)
		}
	case "ecdsa-sha2-nistp256", "ecdsa", "ecprime256v1":
		k.Algorithm = ECDSAP256
		var p any
		var err error
		if strings.Contains(pub, "-----BEGIN") {
			p, err = parsePEM(pub)
		} else {
			p, err = parseHexPoint(pub)
		}
		if err != nil {
			return nil, err
		}
		e, ok := p.(*ecdsa.PublicKey)
		if !ok || e.Curve != elliptic.P256() {
			return nil, keyErr("keytype %s but the key is not a P-256 key", kj.KeyType)
		}
		k.Public = e
	case "rsa":
		k.Algorithm = RSA
		p, err := parsePEM(pub)
		if err != nil {
			return nil, err
		}
		r, ok := p.(*rsa.PublicKey)
		if !ok {
			return nil, keyErr("keytype %s but the PEM holds a %T", kj.KeyType, p)
		}
		if r.N.BitLen() < 2048 {
			return nil, keyErr("RSA key of %d bits (minimum 2048)", r.N.BitLen())
		}
		k.Public = r
	default:
		return nil, keyErr("unsupported keytype %q", kj.KeyType)
	}
	return k, nil
}

func keyErr(format string, a ...any) error {
	return &DecodeError{What: "key", Err: fmt.Errorf("%w: %s", ErrBadKey, fmt.Sprintf(format, a...))}
}

func parsePEM(s string) (any, error) {
	blk, _ := pem.Decode([]byte(s))
	if blk == nil {
		return nil, keyErr("keyval.public is not PEM")
	}
	if p, err := x509.ParsePKIXPublicKey(blk.Bytes); err == nil {
		return p, nil
	}
	if p, err := x509.ParsePKCS1PublicKey(blk.Bytes); err == nil {
		return p, nil
	}
	return nil, keyErr("PEM block %q is neither SubjectPublicKeyInfo nor PKCS#1", blk.Type)
}

func parseHexPoint(s string) (any, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, keyErr("ecdsa public key is neither PEM nor hex")
	}
	e, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b)
	if err != nil {
		return nil, keyErr("ecdsa public key: %v", err)
	}
	return e, nil
}

// ID computes the key's ID in scheme s; "" when the scheme does not apply
// (SPKI of a key published as hex still applies: the DER is computed).
func (k *Key) ID(s KeyIDScheme) string {
	switch s {
	case KeyIDTUF:
		c, err := Canonical(k.Raw, FormOLPC)
		if err != nil {
			return ""
		}
		return sum(c)
	case KeyIDSPKI:
		der, err := x509.MarshalPKIXPublicKey(k.Public)
		if err != nil {
			return ""
		}
		return sum(der)
	case KeyIDAktualizr:
		q, _ := json.Marshal(strings.TrimRight(k.PublicText, "\n"))
		var b strings.Builder
		// json.Marshal escapes <, > and & as \u00XX; aktualizr does not.
		b.Write(q)
		return sum([]byte(unescapeHTML(b.String())))
	}
	return ""
}

func unescapeHTML(s string) string {
	r := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	return r.Replace(s)
}

// IDs returns the key's ID in every scheme.
func (k *Key) IDs() map[KeyIDScheme]string {
	m := make(map[KeyIDScheme]string, len(KeyIDSchemes))
	for _, s := range KeyIDSchemes {
		m[s] = k.ID(s)
	}
	return m
}

// MatchID returns the scheme under which id is this key's ID.
func (k *Key) MatchID(id string) (KeyIDScheme, bool) {
	id = strings.ToLower(id)
	for _, s := range KeyIDSchemes {
		if c := k.ID(s); c != "" && c == id {
			return s, true
		}
	}
	return "", false
}

// CheckID returns a *KeyIDError when id is none of the key's IDs.
func (k *Key) CheckID(id string) (KeyIDScheme, error) {
	if s, ok := k.MatchID(id); ok {
		return s, nil
	}
	return "", &KeyIDError{Published: id, Computed: k.IDs()}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
