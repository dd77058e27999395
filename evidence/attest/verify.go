package attest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/craudit/craudit/evidence/keys"
)

// VerifyOptions say what an attestation is verified against. The zero value
// authenticates nothing (no anchor): Verify then fails, never passes.
type VerifyOptions struct {
	// Root is the trust anchor, the manufacturer's root public key
	// (--trust).
	Root *keys.PublicKey
	// Known are further keys the caller has already authenticated against
	// Root, each with a phrase saying how (e.g. the bundle's signer,
	// certified by the root key).
	Known []KnownKey
	// At is the time certificate validity is judged at; zero means now.
	At time.Time
	// Product, when set, must be in the scope of a certificate carried in
	// the envelope.
	Product string
}

// KnownKey is a key authenticated elsewhere.
type KnownKey struct {
	Key *keys.PublicKey
	How string
}

// Signer is the authenticated signer of an attestation.
type Signer struct {
	KeyID string `json:"key_id"`
	// How says how the key was tied to the anchor.
	How string `json:"how"`
}

// Reason classifies a failed verification.
type Reason int

const (
	// NoAnchor: no trust anchor was given, nothing can be authenticated.
	NoAnchor Reason = iota + 1
	// BadSignature: a signature names a trusted key but does not verify
	// (the payload or the signature changed).
	BadSignature
	// UnknownSigner: no signature is by a key the anchor trusts.
	UnknownSigner
	// BadCertificate: the certificate carried for the signer does not
	// chain to the anchor, is out of its validity period or scope.
	BadCertificate
)

// VerifyError says why an attestation is not authenticated; it names the
// keys that signed (as the envelope says) and the anchor.
type VerifyError struct {
	Reason Reason
	// KeyIDs are the key IDs the envelope's signatures name.
	KeyIDs []string
	// Anchor is the root key's ID ("" without one).
	Anchor string
	Detail string
}

func (e *VerifyError) Error() string {
	signed := "signed by key " + strings.Join(shortIDs(e.KeyIDs), ", ")
	var s string
	switch e.Reason {
	case NoAnchor:
		s = signed + ", but no trust anchor was given: the signer is not authenticated"
	case BadSignature:
		s = signed + ": the signature does not verify (the attestation was changed after signing)"
	case BadCertificate:
		s = signed + ": its certificate does not tie it to the root key " + short(e.Anchor)
	default:
		s = signed + ": not the root key " + short(e.Anchor) + " nor a key it certifies"
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

func short(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	if id == "" {
		return "(none)"
	}
	return id
}

func shortIDs(ids []string) []string {
	if len(ids) == 0 {
		return []string{"(no key ID)"}
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = short(id)
	}
	return out
}

// Verify authenticates the attestation: one signature must verify with the
// root key, a known key, or a key that a certificate carried in the
// envelope certifies (the certificate verified against the root key at
// o.At, for o.Product). It returns the signer, or a *VerifyError.
func (a *Attestation) Verify(o VerifyOptions) (*Signer, error) {
	e := &VerifyError{}
	for _, s := range a.Envelope.Signatures {
		e.KeyIDs = append(e.KeyIDs, s.KeyID)
	}
	if o.Root == nil {
		e.Reason = NoAnchor
		return nil, e
	}
	e.Anchor = o.Root.ID()
	type candidate struct {
		key *keys.PublicKey
		how string
	}
	cands := []candidate{{o.Root, "the root key"}}
	for _, k := range o.Known {
		if k.Key != nil {
			cands = append(cands, candidate{k.Key, k.How})
		}
	}
	var certErr error
	for _, c := range a.Certs {
		if c == nil {
			continue
		}
		cert, sub, err := keys.VerifyCertificate(c.Cert, c.Sig, o.Root, keys.CertVerifyOptions{At: o.At, Product: o.Product})
		if err != nil {
			certErr = err
			continue
		}
		cands = append(cands, candidate{sub, "certified by the root key (certificate " + cert.Serial + ")"})
	}
	seen := map[string]bool{}
	for _, c := range cands {
		id := c.key.ID()
		if seen[id] {
			continue
		}
		seen[id] = true
		v, err := dsse.NewEnvelopeVerifier(dsseKey{pub: c.key})
		if err != nil {
			continue
		}
		if _, err := v.Verify(context.Background(), a.Envelope); err == nil {
			return &Signer{KeyID: id, How: c.how}, nil
		}
	}
	switch {
	case certErr != nil:
		e.Reason, e.Detail = BadCertificate, certErr.Error()
	case namesOne(e.KeyIDs, seen):
		e.Reason = BadSignature
	default:
		e.Reason = UnknownSigner
	}
	return nil, e
}

func namesOne(ids []string, trusted map[string]bool) bool {
	for _, id := range ids {
		if trusted[id] {
			return true
		}
	}
	return false
}

// String describes the signer for a message.
func (s *Signer) String() string { return fmt.Sprintf("key %s, %s", short(s.KeyID), s.How) }
