package provenance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
)

// Limits on untrusted input.
const (
	// MaxFile bounds a provenance file; slsa-github-generator's are tens of kilobytes.
	MaxFile = 32 << 20
	// MaxAttestations bounds the lines of a .intoto.jsonl file.
	MaxAttestations = 1024
)

// Kind is the container an attestation came in.
type Kind string

const (
	KindDSSE      Kind = "dsse"            // a bare DSSE envelope
	KindSigstore  Kind = "sigstore-bundle" // a Sigstore bundle (DSSE or message signature)
	KindStatement Kind = "statement"       // an unsigned in-toto Statement
)

// Attestation is one signed (or unsigned) statement as found in a file.
// Nothing in it is verified.
type Attestation struct {
	// Line is the line in a .intoto.jsonl file (from 1), or 0 for a file
	// holding a single document.
	Line int
	Kind Kind
	// BundleVersion is the Sigstore bundle version (v0.1 to v0.3).
	BundleVersion string
	// Envelope is the DSSE envelope (bare, or the content of a Sigstore bundle).
	Envelope *dsse.Envelope
	// EnvelopeCerts are PEM or base64 DER certificates some older generators
	// put beside each DSSE signature ("cert"); index-aligned with signatures.
	EnvelopeCerts []string
	Bundle        *sgbundle.Bundle
	// Payload is the decoded statement bytes; nil for a message signature.
	Payload   []byte
	Statement *Statement
}

// Parse reads a provenance file: one DSSE envelope, Sigstore bundle or
// in-toto Statement, or a .intoto.jsonl with one envelope or bundle per line.
func Parse(b []byte) ([]*Attestation, error) {
	if len(b) > MaxFile {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, MaxFile)
	}
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return nil, malformed("empty file")
	}
	if json.Valid(t) {
		a, err := parseDoc(t, 0)
		if err != nil {
			return nil, &ParseError{Err: err}
		}
		return []*Attestation{a}, nil
	}
	var out []*Attestation
	for n, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(out) == MaxAttestations {
			return nil, fmt.Errorf("%w: more than %d attestations", ErrTooLarge, MaxAttestations)
		}
		a, err := parseDoc(line, n+1)
		if err != nil {
			return nil, &ParseError{Line: n + 1, Err: err}
		}
		out = append(out, a)
	}
	return out, nil
}

// probe tells the three shapes apart by their distinguishing keys.
type probe struct {
	MediaType   *string         `json:"mediaType"`
	PayloadType *string         `json:"payloadType"`
	Type        *string         `json:"_type"`
	Signatures  json.RawMessage `json:"signatures"`
}

func parseDoc(b []byte, line int) (*Attestation, error) {
	var p probe
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, malformed("not a JSON object: %v", err)
	}
	switch {
	case p.MediaType != nil:
		return parseSigstore(b, line)
	case p.PayloadType != nil:
		return parseDSSE(b, line)
	case p.Type != nil:
		s, err := ParseStatement(b)
		if err != nil {
			return nil, err
		}
		return &Attestation{Line: line, Kind: KindStatement, Payload: b, Statement: s}, nil
	}
	return nil, malformed("neither a DSSE envelope, a Sigstore bundle nor an in-toto Statement")
}

// envelopeJSON is a DSSE envelope with the certificate some generators add.
type envelopeJSON struct {
	PayloadType string `json:"payloadType"`
	Payload     string `json:"payload"`
	Signatures  []struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
		Cert  string `json:"cert"`
	} `json:"signatures"`
}

func parseDSSE(b []byte, line int) (*Attestation, error) {
	var e envelopeJSON
	if err := decodeJSON(b, &e); err != nil {
		return nil, malformed("DSSE envelope: %v", err)
	}
	env := &dsse.Envelope{PayloadType: e.PayloadType, Payload: e.Payload}
	a := &Attestation{Line: line, Kind: KindDSSE, Envelope: env}
	for _, s := range e.Signatures {
		if _, err := b64(s.Sig); err != nil || s.Sig == "" {
			return nil, malformed("DSSE envelope: a signature is not base64")
		}
		env.Signatures = append(env.Signatures, dsse.Signature{KeyID: s.KeyID, Sig: s.Sig})
		a.EnvelopeCerts = append(a.EnvelopeCerts, s.Cert)
	}
	if len(env.Signatures) == 0 {
		return nil, malformed("DSSE envelope has no signature")
	}
	payload, err := b64(e.Payload)
	if err != nil {
		return nil, malformed("DSSE payload is not base64")
	}
	if err := a.setPayload(e.PayloadType, payload); err != nil {
		return nil, err
	}
	return a, nil
}

func parseSigstore(b []byte, line int) (*Attestation, error) {
	var sb sgbundle.Bundle
	if err := sb.UnmarshalJSON(b); err != nil {
		return nil, malformed("Sigstore bundle: %v", err)
	}
	v, err := sb.Version()
	if err != nil {
		return nil, malformed("Sigstore bundle: %v", err)
	}
	a := &Attestation{Line: line, Kind: KindSigstore, BundleVersion: v, Bundle: &sb}
	if de := sb.GetDsseEnvelope(); de != nil {
		env := &dsse.Envelope{PayloadType: de.GetPayloadType(), Payload: base64.StdEncoding.EncodeToString(de.GetPayload())}
		for _, s := range de.GetSignatures() {
			env.Signatures = append(env.Signatures, dsse.Signature{KeyID: s.GetKeyid(), Sig: base64.StdEncoding.EncodeToString(s.GetSig())})
		}
		a.Envelope = env
		if err := a.setPayload(de.GetPayloadType(), de.GetPayload()); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (a *Attestation) setPayload(payloadType string, payload []byte) error {
	if payloadType != PayloadType {
		return malformed("DSSE payload type %q, want %q", payloadType, PayloadType)
	}
	s, err := ParseStatement(payload)
	if err != nil {
		return err
	}
	a.Payload, a.Statement = payload, s
	return nil
}

// b64 accepts the standard and URL alphabets, as the DSSE specification does.
func b64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}
