package provenance

import (
	"crypto"
	"crypto/sha256"
	"encoding/hex"

	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/craudit/craudit/evidence/keys"
)

// MaxTrustedRoot bounds a Sigstore trusted_root.json; the production one is
// about 10 kB.
const MaxTrustedRoot = 4 << 20

// LoadTrustedRoot reads a Sigstore trusted_root.json; errors name the file.
func LoadTrustedRoot(path string) (*root.TrustedRoot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxTrustedRoot+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > MaxTrustedRoot {
		return nil, fmt.Errorf("%s: larger than %d bytes, not a trusted root", path, MaxTrustedRoot)
	}
	tr, err := root.NewTrustedRootFromJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Sigstore trusted root: %w", path, err)
	}
	return tr, nil
}

// verifySigstore verifies a Sigstore bundle offline: certificate-signed
// bundles against the trusted root (certificate chain to a Fulcio CA, an SCT,
// a transparency-log entry and its inclusion proof, the signing time from the
// log or a timestamp authority); key-signed bundles against a trusted key.
func verifySigstore(a *Attestation, o VerifyOptions) (Property, string) {
	vc, err := a.Bundle.VerificationContent()
	if err != nil {
		return Property{PropSignature, Failed, "Sigstore bundle has no usable verification material: " + err.Error()}, ""
	}
	if cert := vc.Certificate(); cert != nil {
		if o.TrustedRoot == nil {
			if a.Envelope != nil && len(a.Envelope.Signatures) > 0 {
				if ok, checked := envelopeMatchesCert(a.Envelope, 0, cert); checked && !ok {
					return Property{PropSignature, Failed, "DSSE signature does not match the bundle's certificate: the bundle was changed"}, ""
				}
			}
			return Property{PropSignature, Unverified, fmt.Sprintf("signed by a Sigstore certificate (%s), but no trusted root was supplied (--trusted-root)", certIdentity(cert))}, ""
		}
		v, err := verify.NewVerifier(o.TrustedRoot, certVerifierOptions(o.TrustedRoot)...)
		if err != nil {
			return Property{PropSignature, Failed, "cannot set up Sigstore verification: " + err.Error()}, ""
		}
		res, err := v.Verify(a.Bundle, verify.NewPolicy(artefactPolicy(a, o), verify.WithoutIdentitiesUnsafe()))
		if err != nil {
			return Property{PropSignature, Failed, "Sigstore verification failed: " + err.Error()}, ""
		}
		who := certIdentity(cert)
		if res.Signature != nil && res.Signature.Certificate != nil {
			c := res.Signature.Certificate
			who = "certificate for " + c.SubjectAlternativeName
			if c.Extensions.Issuer != "" {
				who += " (OIDC issuer " + c.Extensions.Issuer + ")"
			}
		}
		return Property{PropSignature, Verified, "Sigstore bundle verifies against the trusted root: " + who + timestamps(res)}, who
	}
	// A managed key: the bundle carries only a hint.
	if len(o.Keys) == 0 {
		return Property{PropSignature, Unverified, "signed with a managed key, but no trusted key was supplied (--key)"}, ""
	}
	var lastErr error
	for _, k := range o.Keys {
		res, err := verifySigstoreKey(a, o, k)
		if err == nil {
			return Property{PropSignature, Verified, "Sigstore bundle verifies with trusted key " + k.ID() + timestamps(res)}, "key " + k.ID()
		}
		lastErr = err
	}
	return Property{PropSignature, Failed, "Sigstore verification with the trusted key(s) failed: " + lastErr.Error()}, ""
}

func verifySigstoreKey(a *Attestation, o VerifyOptions, k *keys.PublicKey) (*verify.VerificationResult, error) {
	sv, err := signature.LoadVerifier(k.Crypto(), crypto.SHA256)
	if err != nil {
		return nil, err
	}
	km := root.NewTrustedPublicKeyMaterial(func(string) (root.TimeConstrainedVerifier, error) {
		// The hint is unauthenticated; the caller chose the key.
		return root.NewExpiringKey(sv, time.Time{}, time.Time{}), nil
	})
	var tm root.TrustedMaterial = km
	opts := []verify.VerifierOption{verify.WithNoObserverTimestamps()}
	entries, _ := a.Bundle.TlogEntries()
	if o.TrustedRoot != nil && len(entries) > 0 {
		// With a trusted root the log entry is checked too.
		tm = root.TrustedMaterialCollection{o.TrustedRoot, km}
		opts = []verify.VerifierOption{verify.WithTransparencyLog(1), verify.WithObserverTimestamps(1)}
	}
	v, err := verify.NewVerifier(tm, opts...)
	if err != nil {
		return nil, err
	}
	return v.Verify(a.Bundle, verify.NewPolicy(artefactPolicy(a, o), verify.WithKey()))
}

// artefactPolicy: subjects of statements are compared by craudit itself (so
// a digest mismatch is reported apart from the signature); a message
// signature is bound to the artefact by sigstore-go.
func artefactPolicy(a *Attestation, o VerifyOptions) verify.ArtifactPolicyOption {
	if a.Envelope != nil || len(o.Artefacts) == 0 {
		return verify.WithoutArtifactUnsafe()
	}
	var ds []verify.ArtifactDigest
	for _, art := range o.Artefacts {
		if b, err := hex.DecodeString(art.SHA256); err == nil && len(b) == sha256.Size {
			ds = append(ds, verify.ArtifactDigest{Algorithm: "sha256", Digest: b})
		}
	}
	if len(ds) == 0 {
		return verify.WithoutArtifactUnsafe()
	}
	return verify.WithArtifactDigests(ds)
}

func timestamps(res *verify.VerificationResult) string {
	if res == nil || len(res.VerifiedTimestamps) == 0 {
		return ""
	}
	var ts []string
	for _, t := range res.VerifiedTimestamps {
		ts = append(ts, t.Type+" "+t.Timestamp.UTC().Format("2006-01-02T15:04:05Z"))
	}
	return "; signing time from " + strings.Join(ts, ", ")
}

// certVerifierOptions takes its requirements from the trusted root, never from
// the bundle (a bundle stripped of its log entry must not lower the bar): a
// root with transparency logs requires a log entry, one with certificate
// transparency logs an SCT; the signing time always comes from a log or a
// timestamp authority. The public-good root has both kinds of log; GitHub's
// root for private repositories has neither and relies on its timestamp
// authority.
func certVerifierOptions(tr root.TrustedMaterial) []verify.VerifierOption {
	opts := []verify.VerifierOption{verify.WithObserverTimestamps(1)}
	if len(tr.RekorLogs()) > 0 {
		opts = append(opts, verify.WithTransparencyLog(1))
	}
	if len(tr.CTLogs()) > 0 {
		opts = append(opts, verify.WithSignedCertificateTimestamps(1))
	}
	return opts
}
