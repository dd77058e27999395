package cms

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	_ "crypto/sha256" // register the hashes a SignerInfo may name
	_ "crypto/sha512"
)

var (
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}

	oidSHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}

	oidRSA          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSASHA256    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidRSASHA384    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidRSASHA512    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECPublicKey  = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidECDSASHA256  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSASHA384  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSASHA512  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidEd25519      = asn1.ObjectIdentifier{1, 3, 101, 112}
	maxCMSSize      = 4 << 20
	maxCertificates = 32
)

// Error is a CMS structure or verification failure. Code is stable.
type Error struct {
	Code   string // "malformed", "unsupported", "digest-mismatch", "bad-signature", "untrusted", "no-signer"
	Reason string
}

func (e *Error) Error() string { return "cms: " + e.Reason }

func fail(code, format string, a ...any) error {
	return &Error{Code: code, Reason: fmt.Sprintf(format, a...)}
}

// Code returns the Error code of err, or "" when err is no *Error.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type encapContent struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo encapContent
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

// SignedData is a parsed CMS SignedData.
type SignedData struct {
	// Content is the encapsulated content; nil for a detached signature.
	Content      []byte
	ContentType  asn1.ObjectIdentifier
	Certificates []*x509.Certificate
	signers      []signerInfo
}

// Parse decodes a DER CMS ContentInfo holding SignedData.
func Parse(der []byte) (*SignedData, error) {
	if len(der) > maxCMSSize {
		return nil, fail("malformed", "signature of %d bytes exceeds %d", len(der), maxCMSSize)
	}
	var ci contentInfo
	rest, err := asn1.Unmarshal(der, &ci)
	if err != nil {
		return nil, fail("malformed", "not DER CMS: %v", err)
	}
	if len(rest) != 0 {
		return nil, fail("malformed", "%d bytes after the CMS structure", len(rest))
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fail("unsupported", "content type %v is not SignedData", ci.ContentType)
	}
	var sd signedData
	if rest, err = asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(rest) != 0 {
		return nil, fail("malformed", "SignedData: %v", err)
	}
	out := &SignedData{ContentType: sd.EncapContentInfo.EContentType, signers: sd.SignerInfos}
	if len(sd.EncapContentInfo.EContent.Bytes) > 0 {
		var oct []byte
		if _, err := asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &oct); err != nil {
			return nil, fail("malformed", "encapsulated content: %v", err)
		}
		out.Content = oct
	}
	if len(sd.Certificates.Bytes) > 0 {
		b := sd.Certificates.Bytes
		for len(b) > 0 {
			var raw asn1.RawValue
			r, err := asn1.Unmarshal(b, &raw)
			if err != nil {
				return nil, fail("malformed", "certificates: %v", err)
			}
			b = r
			if raw.Class != asn1.ClassUniversal || raw.Tag != asn1.TagSequence {
				continue // other certificate formats are ignored
			}
			c, err := x509.ParseCertificate(raw.FullBytes)
			if err != nil {
				return nil, fail("malformed", "certificate: %v", err)
			}
			if len(out.Certificates) == maxCertificates {
				return nil, fail("malformed", "more than %d certificates", maxCertificates)
			}
			out.Certificates = append(out.Certificates, c)
		}
	}
	if len(out.signers) == 0 {
		return nil, fail("no-signer", "SignedData has no SignerInfo")
	}
	return out, nil
}

// Hash is the digest algorithm the first SignerInfo names: hash the content
// with it and pass the sum to Verify.
func (s *SignedData) Hash() (crypto.Hash, error) {
	return hashOf(s.signers[0].DigestAlgorithm.Algorithm)
}

func hashOf(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, nil
	case oid.Equal(oidSHA384):
		return crypto.SHA384, nil
	case oid.Equal(oidSHA512):
		return crypto.SHA512, nil
	case oid.Equal(oidSHA1):
		return 0, fail("unsupported", "digest SHA-1 is not accepted")
	}
	return 0, fail("unsupported", "digest algorithm %v", oid)
}

// Options is what Verify checks the signer against.
type Options struct {
	// Roots are the trust anchors; nil means integrity only: the signature
	// is checked with the embedded certificate's key and Verified.Trusted
	// stays false.
	Roots     *x509.CertPool
	Time      time.Time
	KeyUsages []x509.ExtKeyUsage
}

// Result is what Verify established.
type Result struct {
	Signer      *x509.Certificate
	Chain       []*x509.Certificate // verified chain leaf first, or the signer alone
	Trusted     bool
	SigningTime *time.Time
}

// Verify checks the first SignerInfo: that digest (the content hashed with
// Hash()) matches the signed message-digest attribute, that the signature is
// the signer certificate's over the signed attributes (or over the digest
// when there are none), and, with Roots, that the signer chains to a root at
// Time with KeyUsages. A signature that is valid but whose signer does not
// chain returns the Result and an "untrusted" Error.
func (s *SignedData) Verify(digest []byte, o Options) (*Result, error) {
	si := s.signers[0]
	h, err := hashOf(si.DigestAlgorithm.Algorithm)
	if err != nil {
		return nil, err
	}
	signer, err := s.findSigner(si.SID)
	if err != nil {
		return nil, err
	}
	res := &Result{Signer: signer, Chain: []*x509.Certificate{signer}}
	signed := digest // what the signature covers, hashed with h
	var signedMsg []byte
	if len(si.SignedAttrs.Bytes) > 0 {
		attrs, err := parseAttrs(si.SignedAttrs.Bytes)
		if err != nil {
			return nil, err
		}
		var md []byte
		if v, ok := attrs[oidMessageDigest.String()]; !ok {
			return nil, fail("malformed", "signed attributes lack message-digest")
		} else if _, err := asn1.Unmarshal(v, &md); err != nil {
			return nil, fail("malformed", "message-digest: %v", err)
		}
		if !bytes.Equal(md, digest) {
			return nil, fail("digest-mismatch", "the content's digest differs from the signed message-digest")
		}
		var ct asn1.ObjectIdentifier
		if v, ok := attrs[oidContentType.String()]; !ok {
			return nil, fail("malformed", "signed attributes lack content-type")
		} else if _, err := asn1.Unmarshal(v, &ct); err != nil || !ct.Equal(s.ContentType) {
			return nil, fail("malformed", "content-type attribute does not match the content")
		}
		if v, ok := attrs[oidSigningTime.String()]; ok {
			var t time.Time
			if _, err := asn1.Unmarshal(v, &t); err == nil {
				t = t.UTC()
				res.SigningTime = &t
			}
		}
		// The signature covers the attributes encoded as an explicit SET OF.
		signedMsg = append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
		hh := h.New()
		hh.Write(signedMsg)
		signed = hh.Sum(nil)
	} else if len(digest) != h.Size() {
		return nil, fail("malformed", "digest has %d bytes, want %d", len(digest), h.Size())
	}
	if err := checkSig(signer.PublicKey, si.SignatureAlgorithm.Algorithm, h, signed, signedMsg, si.Signature); err != nil {
		return nil, err
	}
	if o.Roots == nil {
		return res, nil
	}
	inter := x509.NewCertPool()
	for _, c := range s.Certificates {
		if c != signer {
			inter.AddCert(c)
		}
	}
	at := o.Time
	if at.IsZero() {
		at = time.Now()
	}
	chains, err := signer.Verify(x509.VerifyOptions{Roots: o.Roots, Intermediates: inter, CurrentTime: at, KeyUsages: o.KeyUsages})
	if err != nil {
		return res, fail("untrusted", "signer %q: %v", signer.Subject.String(), err)
	}
	res.Chain, res.Trusted = chains[0], true
	return res, nil
}

// Embedded is the chain as the signature carries it, signer first.
func (s *SignedData) Embedded() []*x509.Certificate {
	signer, err := s.findSigner(s.signers[0].SID)
	if err != nil {
		return s.Certificates
	}
	out := []*x509.Certificate{signer}
	for _, c := range s.Certificates {
		if c != signer {
			out = append(out, c)
		}
	}
	return out
}

func (s *SignedData) findSigner(sid asn1.RawValue) (*x509.Certificate, error) {
	switch {
	case sid.Class == asn1.ClassUniversal && sid.Tag == asn1.TagSequence:
		var ias issuerAndSerial
		if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil {
			return nil, fail("malformed", "signer identifier: %v", err)
		}
		for _, c := range s.Certificates {
			if c.SerialNumber.Cmp(ias.Serial) == 0 && bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) {
				return c, nil
			}
		}
	case sid.Class == asn1.ClassContextSpecific && sid.Tag == 0:
		for _, c := range s.Certificates {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				return c, nil
			}
		}
	default:
		return nil, fail("malformed", "signer identifier of unknown form")
	}
	return nil, fail("no-signer", "the signer's certificate is not in the signature")
}

func parseAttrs(b []byte) (map[string][]byte, error) {
	out := map[string][]byte{}
	for len(b) > 0 {
		var a attribute
		r, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil, fail("malformed", "signed attribute: %v", err)
		}
		b = r
		if _, dup := out[a.Type.String()]; dup {
			return nil, fail("malformed", "signed attribute %v twice", a.Type)
		}
		var first asn1.RawValue
		if _, err := asn1.Unmarshal(a.Values.Bytes, &first); err != nil {
			return nil, fail("malformed", "signed attribute %v: %v", a.Type, err)
		}
		out[a.Type.String()] = first.FullBytes
	}
	return out, nil
}

func checkSig(pub any, alg asn1.ObjectIdentifier, h crypto.Hash, digest, msg, sig []byte) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if !(alg.Equal(oidRSA) || alg.Equal(oidRSASHA256) || alg.Equal(oidRSASHA384) || alg.Equal(oidRSASHA512)) {
			return fail("unsupported", "signature algorithm %v with an RSA key", alg)
		}
		if err := rsa.VerifyPKCS1v15(k, h, digest, sig); err != nil {
			return fail("bad-signature", "RSA signature does not verify")
		}
	case *ecdsa.PublicKey:
		if !(alg.Equal(oidECPublicKey) || alg.Equal(oidECDSASHA256) || alg.Equal(oidECDSASHA384) || alg.Equal(oidECDSASHA512)) {
			return fail("unsupported", "signature algorithm %v with an ECDSA key", alg)
		}
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return fail("bad-signature", "ECDSA signature does not verify")
		}
	case ed25519.PublicKey:
		if msg == nil {
			return fail("unsupported", "Ed25519 without signed attributes")
		}
		if !ed25519.Verify(k, msg, sig) {
			return fail("bad-signature", "Ed25519 signature does not verify")
		}
	default:
		return fail("unsupported", "signer key type %T", pub)
	}
	return nil
}
