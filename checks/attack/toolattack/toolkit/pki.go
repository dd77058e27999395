package toolkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"time"
)

// Cert is a certificate and its key, in PEM.
type Cert struct {
	X   *x509.Certificate
	Key *ecdsa.PrivateKey
	// PEM is the certificate, KeyPEM the PKCS#8 private key.
	PEM, KeyPEM []byte
}

// NewCA makes a self-signed CA valid around ref.
func NewCA(name string, ref time.Time) (*Cert, error) {
	return Issue(nil, name, nil, ref.AddDate(0, -1, 0), ref.AddDate(1, 0, 0))
}

// Issue makes a certificate for name signed by ca (nil: self-signed CA).
// eku empty: a CA certificate.
func Issue(ca *Cert, name string, eku []x509.ExtKeyUsage, notBefore, notAfter time.Time) (*Cert, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	t := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name, Organization: []string{"craudit attack test"}},
		NotBefore: notBefore, NotAfter: notAfter, BasicConstraintsValid: true}
	parent, signer := t, k
	if ca == nil {
		t.IsCA = true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		t.KeyUsage = x509.KeyUsageDigitalSignature
		t.ExtKeyUsage = eku
		parent, signer = ca.X, ca.Key
		if strings.Contains(name, ".") || name == "localhost" {
			t.DNSNames = []string{name}
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parent, &k.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	kd, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return &Cert{X: x, Key: k, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})}, nil
}

// Signers are the certificates one scenario signs with: the vendor's
// (trusted CA), one from a CA the device does not trust, and an expired one
// from the trusted CA.
type Signers struct {
	CA, Vendor, Other, Expired *Cert
}

// SignerKind says who signs a release.
type SignerKind int

// Who signs: the vendor (the zero value), someone under another CA, the
// vendor with an expired certificate, or nobody.
const (
	ByVendor SignerKind = iota
	ByOther
	ByExpired
	Unsigned
)

// NewSigners makes a scenario's signers valid around ref, their
// certificates for eku.
func NewSigners(ref time.Time, eku x509.ExtKeyUsage) (*Signers, error) {
	ca, err := NewCA("device trust anchor", ref)
	if err != nil {
		return nil, err
	}
	other, err := NewCA("someone else's CA", ref)
	if err != nil {
		return nil, err
	}
	s := &Signers{CA: ca}
	ekus := []x509.ExtKeyUsage{eku}
	if s.Vendor, err = Issue(ca, "vendor release signing", ekus, ref.AddDate(0, -1, 0), ref.AddDate(1, 0, 0)); err != nil {
		return nil, err
	}
	if s.Other, err = Issue(other, "vendor release signing", ekus, ref.AddDate(0, -1, 0), ref.AddDate(1, 0, 0)); err != nil {
		return nil, err
	}
	if s.Expired, err = Issue(ca, "vendor release signing (expired)", ekus, ref.AddDate(-1, 0, 0), ref.AddDate(0, 0, -1)); err != nil {
		return nil, err
	}
	return s, nil
}

// Pick is the certificate of signer kind k (nil: unsigned).
func (s *Signers) Pick(k SignerKind) *Cert {
	switch k {
	case ByOther:
		return s.Other
	case ByExpired:
		return s.Expired
	case Unsigned:
		return nil
	}
	return s.Vendor
}
