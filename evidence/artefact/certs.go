package artefact

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"hash"
	"io"
)

// CertOf describes one certificate.
func CertOf(c *x509.Certificate) Cert {
	spki := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return Cert{
		Subject: c.Subject.String(), Issuer: c.Issuer.String(), Serial: c.SerialNumber.Text(16),
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), SPKISHA256: hex.EncodeToString(spki[:]),
	}
}

// Chain describes a chain, leaf first.
func Chain(cs []*x509.Certificate) []Cert {
	out := make([]Cert, 0, len(cs))
	for _, c := range cs {
		out = append(out, CertOf(c))
	}
	return out
}

// bufSize is the copy buffer of every streaming hash: memory held while
// hashing does not grow with the artefact.
const bufSize = 256 << 10

// Copy copies r into the hashes with a fixed buffer and returns the count.
func Copy(r io.Reader, hs ...hash.Hash) (int64, error) {
	var w io.Writer
	switch len(hs) {
	case 0:
		w = io.Discard
	case 1:
		w = hs[0]
	default:
		ws := make([]io.Writer, len(hs))
		for i, h := range hs {
			ws[i] = h
		}
		w = io.MultiWriter(ws...)
	}
	buf := make([]byte, bufSize)
	return io.CopyBuffer(onlyWriter{w}, onlyReader{r}, buf)
}

// SHA256 hashes r with a fixed buffer.
func SHA256(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := Copy(r, h)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// onlyReader and onlyWriter hide ReadFrom / WriteTo so io.CopyBuffer uses
// the given buffer.
type onlyReader struct{ io.Reader }
type onlyWriter struct{ io.Writer }
