package attest

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/craudit/craudit/evidence/keys"
)

// Fixed words of the format.
const (
	// StatementType is the in-toto Statement v1 `_type`.
	StatementType = "https://in-toto.io/Statement/v1"
	// PayloadType is the DSSE payload type of an in-toto Statement.
	PayloadType = "application/vnd.in-toto+json"
	// MaxSize bounds an envelope file (the predicate is bounded by its own
	// format; base64 adds a third).
	MaxSize = 48 << 20
)

// Subject is one thing the statement is about, named and pinned by digest.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Key is the subject's sort and comparison key.
func (s Subject) Key() string {
	algs := make([]string, 0, len(s.Digest))
	for a := range s.Digest {
		algs = append(algs, a)
	}
	slices.Sort(algs)
	var b strings.Builder
	b.WriteString(s.Name)
	for _, a := range algs {
		b.WriteString("\x00" + a + "=" + s.Digest[a])
	}
	return b.String()
}

// SortSubjects sorts subjects and drops duplicates, so the same evidence
// always has the same subject list.
func SortSubjects(s []Subject) []Subject {
	out := slices.Clone(s)
	slices.SortFunc(out, func(a, b Subject) int { return strings.Compare(a.Key(), b.Key()) })
	return slices.CompactFunc(out, func(a, b Subject) bool { return a.Key() == b.Key() })
}

// Statement is an in-toto Statement v1.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Certificate is the signer's vendor-key certificate carried in the
// envelope: the exact bytes of CERT and of the root key's detached
// signature CERT.sig (see evidence/keys).
type Certificate struct {
	Cert, Sig []byte
}

// signatureJSON is one DSSE signature with craudit's extension: the
// signer's certificate, base64, so the envelope is verifiable alone.
type signatureJSON struct {
	KeyID   string `json:"keyid"`
	Sig     string `json:"sig"`
	Cert    string `json:"craudit_cert,omitempty"`
	CertSig string `json:"craudit_cert_sig,omitempty"`
}

type envelopeJSON struct {
	PayloadType string          `json:"payloadType"`
	Payload     string          `json:"payload"`
	Signatures  []signatureJSON `json:"signatures"`
}

// Attestation is a decoded envelope: the envelope as signed, the
// certificates it carries (one per signature, nil where none), the payload
// bytes and the Statement decoded from them.
type Attestation struct {
	Envelope  *dsse.Envelope
	Certs     []*Certificate
	Payload   []byte
	Statement *Statement
}

// dsseKey adapts a craudit key to go-securesystemslib's DSSE interfaces;
// signatures have the project's one format over the DSSE pre-authentication
// encoding, and the key ID is craudit's (hex SHA-256 of the SPKI).
type dsseKey struct {
	pub  *keys.PublicKey
	priv *keys.PrivateKey
}

func (k dsseKey) KeyID() (string, error)   { return k.pub.ID(), nil }
func (k dsseKey) Public() crypto.PublicKey { return k.pub.Crypto() }
func (k dsseKey) Verify(_ context.Context, data, sig []byte) error {
	return k.pub.Verify(data, sig)
}
func (k dsseKey) Sign(_ context.Context, data []byte) ([]byte, error) { return k.priv.Sign(data) }

// Sign encodes st (its subjects sorted) and signs it with signer; cert, when
// set, is the signer's certificate by the root key and travels in the
// envelope. The result is the envelope as one JSON line with a final
// newline (also a valid .intoto.jsonl line).
func Sign(st *Statement, signer *keys.PrivateKey, cert *Certificate) ([]byte, error) {
	if signer == nil {
		return nil, errors.New("attestation: no signing key")
	}
	if err := st.check(); err != nil {
		return nil, err
	}
	if cert != nil {
		_, sub, err := keys.ParseCertificate(cert.Cert)
		if err != nil {
			return nil, err
		}
		if !sub.Equal(signer.Public()) {
			return nil, errors.New("attestation: the certificate certifies a different key than the signing key")
		}
	}
	s := *st
	s.Subject = SortSubjects(st.Subject)
	payload, err := json.Marshal(&s)
	if err != nil {
		return nil, err
	}
	es, err := dsse.NewEnvelopeSigner(dsseKey{pub: signer.Public(), priv: signer})
	if err != nil {
		return nil, err
	}
	env, err := es.SignPayload(context.Background(), PayloadType, payload)
	if err != nil {
		return nil, err
	}
	out := envelopeJSON{PayloadType: env.PayloadType, Payload: env.Payload}
	for _, sg := range env.Signatures {
		sj := signatureJSON{KeyID: sg.KeyID, Sig: sg.Sig}
		if cert != nil {
			sj.Cert, sj.CertSig = base64.StdEncoding.EncodeToString(cert.Cert), base64.StdEncoding.EncodeToString(cert.Sig)
		}
		out.Signatures = append(out.Signatures, sj)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// DecodeError is a file that is not an attestation craudit can read.
type DecodeError struct{ Reason string }

func (e *DecodeError) Error() string { return "attestation: " + e.Reason }

func malformed(format string, a ...any) error {
	return &DecodeError{Reason: fmt.Sprintf(format, a...)}
}

// IsEnvelope reports whether b looks like a DSSE envelope (a JSON object
// with a payloadType), as opposed to a plain evidence document. It does not
// judge the envelope: Decode does.
func IsEnvelope(b []byte) bool {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return false
	}
	var probe struct {
		PayloadType *string `json:"payloadType"`
	}
	return json.Unmarshal(b, &probe) == nil && probe.PayloadType != nil
}

// Decode reads an envelope strictly: one JSON object (trailing blank lines
// allowed) with only the known fields, payload type in-toto, at least one
// signature, base64 that decodes, and a Statement v1 of predicateType
// predicateType with at least one subject, each with a name and a digest.
// It does not verify signatures (Verify does).
func Decode(b []byte, predicateType string) (*Attestation, error) {
	if len(b) > MaxSize {
		return nil, malformed("%d bytes, more than the limit of %d", len(b), MaxSize)
	}
	var e envelopeJSON
	if err := strictJSON(b, &e); err != nil {
		return nil, malformed("envelope: %v", err)
	}
	if e.PayloadType != PayloadType {
		return nil, malformed("payloadType %q, want %q", e.PayloadType, PayloadType)
	}
	if len(e.Signatures) == 0 {
		return nil, malformed("the envelope has no signature")
	}
	a := &Attestation{Envelope: &dsse.Envelope{PayloadType: e.PayloadType, Payload: e.Payload}}
	for i, s := range e.Signatures {
		if _, err := base64.StdEncoding.DecodeString(s.Sig); err != nil || s.Sig == "" {
			return nil, malformed("signature %d is not base64", i)
		}
		a.Envelope.Signatures = append(a.Envelope.Signatures, dsse.Signature{KeyID: s.KeyID, Sig: s.Sig})
		var c *Certificate
		if s.Cert != "" || s.CertSig != "" {
			cb, err1 := base64.StdEncoding.DecodeString(s.Cert)
			cs, err2 := base64.StdEncoding.DecodeString(s.CertSig)
			if err1 != nil || err2 != nil || len(cb) == 0 || len(cs) == 0 {
				return nil, malformed("signature %d: craudit_cert and craudit_cert_sig must both be base64", i)
			}
			c = &Certificate{Cert: cb, Sig: cs}
		}
		a.Certs = append(a.Certs, c)
	}
	payload, err := base64.StdEncoding.DecodeString(e.Payload)
	if err != nil {
		return nil, malformed("payload is not base64")
	}
	a.Payload = payload
	var st Statement
	if err := strictJSON(payload, &st); err != nil {
		return nil, malformed("statement: %v", err)
	}
	if st.PredicateType != predicateType {
		return nil, malformed("predicateType %q, want %q", st.PredicateType, predicateType)
	}
	if err := st.check(); err != nil {
		return nil, err
	}
	a.Statement = &st
	return a, nil
}

func (st *Statement) check() error {
	switch {
	case st.Type != StatementType:
		return malformed("statement _type %q, want %q", st.Type, StatementType)
	case st.PredicateType == "":
		return malformed("statement has no predicateType")
	case len(st.Subject) == 0:
		return malformed("statement has no subject")
	case len(bytes.TrimSpace(st.Predicate)) == 0 || bytes.Equal(bytes.TrimSpace(st.Predicate), []byte("null")):
		return malformed("statement has no predicate")
	}
	for i, s := range st.Subject {
		if s.Name == "" || len(s.Digest) == 0 {
			return malformed("subject %d has no name or no digest", i)
		}
		for alg, v := range s.Digest {
			if alg == "" || v == "" {
				return malformed("subject %d (%s): empty digest", i, s.Name)
			}
			if alg == "sha256" && !IsSHA256(v) {
				return malformed("subject %d (%s): sha256 %q is not 64 lower-case hex digits", i, s.Name, v)
			}
		}
	}
	return nil
}

// IsSHA256 reports whether s is a SHA-256 in lower-case hex.
func IsSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// strictJSON decodes exactly one JSON value with no unknown field.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err == nil {
		return errors.New("more than one JSON value")
	}
	return nil
}

// SameSubjects reports whether two subject lists name the same subjects
// (order and duplicates aside).
func SameSubjects(a, b []Subject) bool {
	a, b = SortSubjects(a), SortSubjects(b)
	return slices.EqualFunc(a, b, func(x, y Subject) bool { return x.Key() == y.Key() })
}
