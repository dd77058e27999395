package provenance

import (
	"context"
	"crypto"
	"encoding/json"
	"errors"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/craudit/craudit/evidence/keys"
)

// dsseKey adapts a craudit key to go-securesystemslib's DSSE interfaces. The
// signature over the DSSE pre-authentication encoding has the project's one
// format (ECDSA P-256 SHA-256 ASN.1, or Ed25519 over the raw bytes), which is
// also what cosign and slsa-github-generator write for ECDSA.
type dsseKey struct {
	pub  *keys.PublicKey
	priv *keys.PrivateKey
}

func (k dsseKey) KeyID() (string, error)   { return k.pub.ID(), nil }
func (k dsseKey) Public() crypto.PublicKey { return k.pub.Crypto() }

func (k dsseKey) Verify(_ context.Context, data, sig []byte) error {
	return k.pub.Verify(data, sig)
}

func (k dsseKey) Sign(_ context.Context, data []byte) ([]byte, error) {
	if k.priv == nil {
		return nil, errors.New("no private key")
	}
	return k.priv.Sign(data)
}

// SignEnvelope wraps payload (an in-toto Statement) in a DSSE envelope signed
// by signer, as one JSON line ending in a newline: a .intoto.jsonl entry.
// The key ID is craudit's key ID (hex SHA-256 of the SubjectPublicKeyInfo).
func SignEnvelope(payload []byte, signer *keys.PrivateKey) ([]byte, error) {
	if signer == nil {
		return nil, errors.New("no signing key")
	}
	es, err := dsse.NewEnvelopeSigner(dsseKey{pub: signer.Public(), priv: signer})
	if err != nil {
		return nil, err
	}
	env, err := es.SignPayload(context.Background(), PayloadType, payload)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// verifyDSSE checks env against each trusted key; it returns the key that
// verified it, or nil.
func verifyDSSE(env *dsse.Envelope, trusted []*keys.PublicKey) *keys.PublicKey {
	for _, k := range trusted {
		if k == nil {
			continue
		}
		v, err := dsse.NewEnvelopeVerifier(dsseKey{pub: k})
		if err != nil {
			continue
		}
		if _, err := v.Verify(context.Background(), env); err == nil {
			return k
		}
		// The key ID is an unsigned hint, and other tools compute it their
		// own way: try again without it before giving up on this key.
		bare := *env
		bare.Signatures = make([]dsse.Signature, len(env.Signatures))
		for i, s := range env.Signatures {
			bare.Signatures[i] = dsse.Signature{Sig: s.Sig}
		}
		if _, err := v.Verify(context.Background(), &bare); err == nil {
			return k
		}
	}
	return nil
}
