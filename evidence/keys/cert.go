package keys

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CertSchema identifies the vendor-key certificate format.
const CertSchema = "https://craudit.dev/schema/vendor-cert/v1"

// Certificate is the small statement by which the offline root key vouches for
// an operational vendor key, as in the ENISA thermostat example: the device
// trusts only the root key, and the vendor key can be replaced without
// touching the device's trust anchor. It is JSON, signed detached by the root
// key over its exact bytes (CERT.sig beside CERT).
type Certificate struct {
	Schema  string `json:"schema"`
	Serial  string `json:"serial"`
	Subject struct {
		Name      string `json:"name,omitempty"`
		KeyID     string `json:"key_id"`
		KeyType   Type   `json:"key_type"`
		PublicKey string `json:"public_key"` // PEM, SPKI
	} `json:"subject"`
	Issuer struct {
		KeyID string `json:"key_id"`
	} `json:"issuer"`
	// Scope lists the products the vendor key may sign for; empty means none.
	Scope     []string  `json:"scope"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
}

// CertifyOptions are the fields the root key holder chooses.
type CertifyOptions struct {
	Name      string
	Scope     []string
	NotBefore time.Time
	NotAfter  time.Time
	// Serial, when empty, is 16 random bytes in hex.
	Serial string
}

// Certify has the root key sign a certificate for subject. It returns the
// certificate's exact bytes and the detached signature over them.
func Certify(root *PrivateKey, subject *PublicKey, o CertifyOptions) (cert, sig []byte, err error) {
	if !o.NotAfter.After(o.NotBefore) {
		return nil, nil, errors.New("certificate would expire before it starts")
	}
	c := Certificate{Schema: CertSchema, Serial: o.Serial, Scope: slices.Clone(o.Scope),
		NotBefore: o.NotBefore.UTC(), NotAfter: o.NotAfter.UTC()}
	if c.Serial == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, nil, err
		}
		c.Serial = hex.EncodeToString(b[:])
	}
	if c.Scope == nil {
		c.Scope = []string{}
	}
	slices.Sort(c.Scope)
	c.Subject.Name = o.Name
	c.Subject.KeyID = subject.ID()
	c.Subject.KeyType = subject.Type()
	c.Subject.PublicKey = string(subject.MarshalPEM())
	c.Issuer.KeyID = root.Public().ID()
	cert, err = json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	cert = append(cert, '\n')
	sig, err = root.Sign(cert)
	if err != nil {
		return nil, nil, err
	}
	return cert, sig, nil
}

// CertReason says why a certificate was refused.
type CertReason int

const (
	CertMalformed CertReason = iota
	CertBadSignature
	CertWrongIssuer
	CertNotYetValid
	CertExpired
	CertOutOfScope
	CertKeyMismatch
)

func (r CertReason) String() string {
	return [...]string{"malformed", "bad signature", "not issued by the trusted root key",
		"not yet valid", "expired", "product out of scope", "subject key mismatch"}[r]
}

// CertificateError is returned by VerifyCertificate; it says which rule failed.
type CertificateError struct {
	Reason CertReason
	Detail string
}

func (e *CertificateError) Error() string {
	if e.Detail == "" {
		return "vendor certificate: " + e.Reason.String()
	}
	return "vendor certificate: " + e.Reason.String() + ": " + e.Detail
}

// CertVerifyOptions says what the certificate must be valid for. The zero
// value is the safe default: the validity period is judged at the current
// time, as crypto/x509 does.
type CertVerifyOptions struct {
	// At is the reference time the validity period is judged at; zero means
	// now.
	At time.Time
	// SkipValidityPeriodUnsafe accepts a certificate outside its validity
	// period (expired or not yet valid). Only for a caller that judges the
	// period elsewhere or on purpose not at all, and says why.
	SkipValidityPeriodUnsafe bool
	// Product, when non-empty, must be in the certificate's scope.
	Product string
}

// ParseCertificate decodes a certificate without judging it.
func ParseCertificate(cert []byte) (*Certificate, *PublicKey, error) {
	var c Certificate
	dec := json.NewDecoder(bytes.NewReader(cert))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, nil, &CertificateError{Reason: CertMalformed, Detail: err.Error()}
	}
	if c.Schema != CertSchema {
		return nil, nil, &CertificateError{Reason: CertMalformed, Detail: fmt.Sprintf("schema %q", c.Schema)}
	}
	sub, err := ParsePublicPEM([]byte(c.Subject.PublicKey))
	if err != nil {
		return nil, nil, &CertificateError{Reason: CertMalformed, Detail: "subject key: " + err.Error()}
	}
	if sub.ID() != c.Subject.KeyID {
		return nil, nil, &CertificateError{Reason: CertKeyMismatch, Detail: "key_id does not match public_key"}
	}
	return &c, sub, nil
}

// VerifyCertificate checks the root's signature over the exact certificate
// bytes, then the issuer, validity period and scope. On success it returns the
// certified vendor key.
func VerifyCertificate(cert, sig []byte, root *PublicKey, o CertVerifyOptions) (*Certificate, *PublicKey, error) {
	// Signature first: nothing in an unauthenticated certificate is believed.
	if err := root.Verify(cert, sig); err != nil {
		return nil, nil, &CertificateError{Reason: CertBadSignature}
	}
	c, sub, err := ParseCertificate(cert)
	if err != nil {
		return nil, nil, err
	}
	if c.Issuer.KeyID != root.ID() {
		return nil, nil, &CertificateError{Reason: CertWrongIssuer, Detail: "issuer key_id " + c.Issuer.KeyID}
	}
	if !o.SkipValidityPeriodUnsafe {
		at := o.At
		if at.IsZero() {
			at = time.Now()
		}
		if at.Before(c.NotBefore) {
			return nil, nil, &CertificateError{Reason: CertNotYetValid, Detail: "valid from " + c.NotBefore.Format(time.RFC3339)}
		}
		if !at.Before(c.NotAfter) {
			return nil, nil, &CertificateError{Reason: CertExpired, Detail: "expired " + c.NotAfter.Format(time.RFC3339)}
		}
	}
	if o.Product != "" {
		if err := c.CheckScope(o.Product); err != nil {
			return nil, nil, err
		}
	}
	return c, sub, nil
}

// CheckScope returns a CertificateError (CertOutOfScope) naming the product
// and the scope when the certificate does not cover product. An empty scope
// covers nothing.
func (c *Certificate) CheckScope(product string) error {
	if slices.Contains(c.Scope, product) {
		return nil
	}
	scope := "is empty"
	if len(c.Scope) > 0 {
		q := make([]string, len(c.Scope))
		for i, s := range c.Scope {
			q[i] = strconv.Quote(s)
		}
		scope = "is [" + strings.Join(q, ", ") + "]"
	}
	return &CertificateError{Reason: CertOutOfScope, Detail: fmt.Sprintf("product %q; the certificate's scope %s", product, scope)}
}
