package vehicle

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/uptane"
)

// maxKeyBytes bounds a key file or a key registry.
const maxKeyBytes = 4 << 20

// RegistrySchema names the key registry format.
const RegistrySchema = "craudit.uptane-key-registry/v1"

// NamedKey is a public key and where it came from.
type NamedKey struct {
	Source string
	Key    *uptane.Key
}

// Keyring holds the keys manifests are verified with. Any keys (--key) may
// sign any report; Bound keys (a registry) are the only keys accepted for
// their ECU serial: a report of a bound ECU signed by any other key fails.
type Keyring struct {
	Any   []NamedKey
	Bound map[string][]NamedKey
}

// For returns the keys acceptable for an ECU serial.
func (kr *Keyring) For(serial string) []NamedKey {
	if kr == nil {
		return nil
	}
	if ks, ok := kr.Bound[serial]; ok {
		return ks
	}
	return kr.Any
}

// Empty reports whether the keyring has no key at all.
func (kr *Keyring) Empty() bool { return kr == nil || (len(kr.Any) == 0 && len(kr.Bound) == 0) }

// LoadKey reads a public key file: a PEM SubjectPublicKeyInfo (RSA, Ed25519
// or ECDSA P-256; published as OTA Connect does, so its aktualizr key ID is
// that of the PEM text) or a JSON key object of either dialect (the
// reference implementation's .pub files).
func LoadKey(path string) (NamedKey, error) {
	b, err := atomicfs.ReadFile(path, maxKeyBytes)
	if err != nil {
		return NamedKey{}, err
	}
	k, err := ParseKeyFile(b)
	if err != nil {
		return NamedKey{}, fmt.Errorf("%s: %w", path, err)
	}
	return NamedKey{Source: path, Key: k}, nil
}

// ParseKeyFile reads a PEM public key or a JSON key object.
func ParseKeyFile(b []byte) (*uptane.Key, error) {
	t := strings.TrimSpace(string(b))
	if strings.HasPrefix(t, "{") {
		return uptane.ParseKey([]byte(t))
	}
	blk, _ := pem.Decode([]byte(t))
	if blk == nil {
		return nil, fmt.Errorf("%w: neither a PEM public key nor a JSON key object", uptane.ErrBadKey)
	}
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", uptane.ErrBadKey, err)
	}
	var kt string
	switch pub.(type) {
	case *rsa.PublicKey:
		kt = "RSA"
	case ed25519.PublicKey:
		kt = "ED25519"
	case *ecdsa.PublicKey:
		kt = "ECPRIME256V1"
	default:
		return nil, fmt.Errorf("%w: unsupported key %T", uptane.ErrBadKey, pub)
	}
	// aktualizr publishes the PEM with its trailing newline.
	obj, err := json.Marshal(map[string]any{"keytype": kt, "keyval": map[string]string{"public": t + "\n"}})
	if err != nil {
		return nil, err
	}
	return uptane.ParseKey(obj)
}

// registry is the key registry file.
type registry struct {
	Schema string                   `json:"schema"`
	ECUs   map[string][]registryKey `json:"ecus"`
}

type registryKey struct {
	File string          `json:"file,omitempty"`
	Key  json.RawMessage `json:"key,omitempty"`
}

// LoadRegistry reads a key registry and adds its keys to kr (made when nil):
//
//	{"schema": "craudit.uptane-key-registry/v1",
//	 "ecus": {"SERIAL": [{"file": "keys/primary.pem"}, {"key": {JSON key object}}]}}
//
// A file is relative to the registry's folder. Unknown fields, a serial
// without keys or an entry with neither or both of file and key are errors.
func LoadRegistry(path string, kr *Keyring) (*Keyring, error) {
	b, err := atomicfs.ReadFile(path, maxKeyBytes)
	if err != nil {
		return nil, err
	}
	var r registry
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if r.Schema != RegistrySchema {
		return nil, fmt.Errorf("%s: schema %q, want %s", path, r.Schema, RegistrySchema)
	}
	if kr == nil {
		kr = &Keyring{}
	}
	if kr.Bound == nil {
		kr.Bound = map[string][]NamedKey{}
	}
	serials := make([]string, 0, len(r.ECUs))
	for s := range r.ECUs {
		serials = append(serials, s)
	}
	sort.Strings(serials)
	for _, s := range serials {
		if s == "" || len(r.ECUs[s]) == 0 {
			return nil, fmt.Errorf("%s: ECU %q has no keys", path, s)
		}
		for i, e := range r.ECUs[s] {
			where := fmt.Sprintf("%s: ecus[%s][%d]", path, s, i)
			switch {
			case e.File != "" && len(e.Key) == 0:
				f := e.File
				if !filepath.IsAbs(f) {
					f = filepath.Join(filepath.Dir(path), f)
				}
				nk, err := LoadKey(f)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				kr.Bound[s] = append(kr.Bound[s], nk)
			case e.File == "" && len(e.Key) > 0:
				k, err := uptane.ParseKey(e.Key)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				kr.Bound[s] = append(kr.Bound[s], NamedKey{Source: where, Key: k})
			default:
				return nil, fmt.Errorf("%s: want exactly one of file and key", where)
			}
		}
	}
	return kr, nil
}
