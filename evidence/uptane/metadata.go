package uptane

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Dialect is one of the two metadata dialects that are deployed.
type Dialect string

const (
	// DialectTUF: the Uptane reference implementation and TUF 1.0 — hex
	// signatures, TUF key IDs, FormOLPC.
	DialectTUF Dialect = "tuf-1.0"
	// DialectOTA: aktualizr, ota-tuf and the uptane director (OTA
	// Connect) — base64 signatures, keytype RSA/ED25519/ECPRIME256V1
	// without scheme, FormJSONSubset, RSA-PSS with SHA-256.
	DialectOTA Dialect = "ota-connect"
)

// Signature is one entry of a document's signatures list.
type Signature struct {
	KeyID string `json:"keyid"`
	// Method (OTA and the reference implementation) or Scheme (TUF 1.0).
	Method string `json:"method,omitempty"`
	Scheme string `json:"scheme,omitempty"`
	Sig    string `json:"sig"`
}

// Metadata is a signed document: its signatures and the exact bytes of
// its signed part, plus the role type read from signed._type.
type Metadata struct {
	Signatures []Signature
	// Signed is the signed object exactly as it appeared.
	Signed json.RawMessage
	// Type is signed._type lower-cased ("root", "targets", ...); TypeRaw
	// as written ("Root" in both dialects as deployed).
	Type, TypeRaw string
	signed        map[string]any
}

type envelope struct {
	Signatures []Signature     `json:"signatures"`
	Signed     json.RawMessage `json:"signed"`
}

// Decode reads a signed document. It checks the shape only; Verify checks
// the signatures.
func Decode(raw []byte) (*Metadata, error) {
	var e envelope
	d := json.NewDecoder(bytes.NewReader(raw))
	if err := d.Decode(&e); err != nil {
		return nil, &DecodeError{What: "envelope", Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	if len(e.Signed) == 0 || e.Signed[0] != '{' {
		return nil, &DecodeError{What: "envelope", Err: fmt.Errorf("%w: no signed object", ErrMalformed)}
	}
	v, err := decodeValue(e.Signed)
	if err != nil {
		return nil, &DecodeError{What: "signed", Err: err}
	}
	m := &Metadata{Signatures: e.Signatures, Signed: e.Signed, signed: v.(map[string]any)}
	t, _ := m.signed["_type"].(string)
	m.TypeRaw, m.Type = t, strings.ToLower(t)
	return m, nil
}

// Canonical returns the signed part in form f.
func (m *Metadata) Canonical(f Form) ([]byte, error) { return CanonicalValue(m.signed, f) }

// Role is a role's key list and threshold.
type Role struct {
	KeyIDs    []string `json:"keyids"`
	Threshold int      `json:"threshold"`
}

// Verification is the outcome of checking a document's signatures against
// a role.
type Verification struct {
	// Valid counts distinct authorised keys with a valid signature.
	Valid     int
	Threshold int
	// KeyIDs are those keys, sorted as they appeared.
	KeyIDs []string
	// Forms maps a canonical form to how many valid signatures were over
	// it; Form is the form of the first valid signature.
	Forms map[Form]int
	Form  Form
	// FormsIdentical: both forms give the same bytes for this document
	// (no character that they escape differently), so either matched.
	FormsIdentical bool
	// Duplicates counts signatures by a key that already signed (counted
	// once; aktualizr refuses them, see ErrNonUniqueSignatures).
	Duplicates int
	// Unknown counts signatures by keys outside the role; Invalid those
	// whose bytes do not verify.
	Unknown, Invalid int
}

// Verify checks m's signatures by the role's keys (keys maps published key
// IDs to keys) under both canonical forms, counting each key once. It
// returns ErrIllegalThreshold for a threshold below 1 and a
// *ThresholdError when the valid signatures are too few.
func (m *Metadata) Verify(roleName string, keys map[string]*Key, role Role) (*Verification, error) {
	v := &Verification{Threshold: role.Threshold, Forms: map[Form]int{}}
	if role.Threshold < 1 {
		return v, fmt.Errorf("%s: %w %d", roleName, ErrIllegalThreshold, role.Threshold)
	}
	allowed := make(map[string]bool, len(role.KeyIDs))
	for _, id := range role.KeyIDs {
		allowed[id] = true
	}
	var payloads [2][]byte
	for i, f := range Forms {
		payloads[i], _ = m.Canonical(f)
	}
	seen := map[string]bool{}
	for _, s := range m.Signatures {
		if seen[s.KeyID] {
			v.Duplicates++
			continue
		}
		k, ok := keys[s.KeyID]
		if !allowed[s.KeyID] || !ok {
			v.Unknown++
			continue
		}
		seen[s.KeyID] = true
		matched := Form("")
		for i, f := range Forms {
			if payloads[i] != nil && VerifySignature(k, s, payloads[i]) {
				matched = f
				break
			}
		}
		if matched == "" {
			v.Invalid++
			continue
		}
		v.Valid++
		v.KeyIDs = append(v.KeyIDs, s.KeyID)
		v.Forms[matched]++
		if v.Form == "" {
			v.Form = matched
		}
	}
	if payloads[0] != nil && payloads[1] != nil && bytes.Equal(payloads[0], payloads[1]) {
		v.FormsIdentical = true
	}
	if v.Valid < role.Threshold {
		return v, &ThresholdError{Role: roleName, Valid: v.Valid, Threshold: role.Threshold}
	}
	return v, nil
}

// VerifySignature checks one signature over msg with k. The signature may
// be hex or base64; ECDSA may be ASN.1 DER or r||s; RSA is PSS with
// SHA-256 (any salt length) unless the method says PKCS#1 v1.5.
func VerifySignature(k *Key, s Signature, msg []byte) bool {
	method := strings.ToLower(s.Method)
	if method == "" {
		method = strings.ToLower(s.Scheme)
	}
	if !methodFits(k.Algorithm, method) {
		return false
	}
	for _, sig := range sigCandidates(s.Sig) {
		switch p := k.Public.(type) {
		case ed25519.PublicKey:
			if len(sig) == ed25519.SignatureSize && ed25519.Verify(p, msg, sig) {
				return true
			}
		case *ecdsa.PublicKey:
			h := sha256.Sum256(msg)
			if ecdsa.VerifyASN1(p, h[:], sig) {
				return true
			}
			if len(sig) == 64 && verifyRaw(p, h[:], sig) {
				return true
			}
		case *rsa.PublicKey:
			h := sha256.Sum256(msg)
			if strings.Contains(method, "pkcs1") {
				if rsa.VerifyPKCS1v15(p, crypto.SHA256, h[:], sig) == nil {
					return true
				}
				continue
			}
			if rsa.VerifyPSS(p, crypto.SHA256, h[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil {
				return true
			}
		}
	}
	return false
}

func methodFits(a Algorithm, method string) bool {
	switch method {
	case "":
		return true
	case "ed25519":
		return a == Ed25519
	case "ecdsa-sha2-nistp256", "ecdsa", "ecprime256v1":
		return a == ECDSAP256
	case "rsassa-pss-sha256", "rsassa-pss", "rsa", "rsapss", "rsa-pkcs1v15-sha256":
		return a == RSA
	}
	return false
}

// sigCandidates decodes a signature as hex and as base64 (a hex string is
// also valid base64; verification decides).
func sigCandidates(s string) [][]byte {
	var out [][]byte
	if b, err := hex.DecodeString(s); err == nil {
		out = append(out, b)
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		out = append(out, b)
	}
	return out
}
