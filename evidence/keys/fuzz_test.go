package keys

import (
	"testing"
	"time"
)

func FuzzParseCertificate(f *testing.F) {
	root, _ := FromSeed(ECDSAP256, []byte("fuzz-root"))
	vendor, _ := FromSeed(Ed25519, []byte("fuzz-vendor"))
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cert, _, _ := Certify(root, vendor.Public(), CertifyOptions{Scope: []string{"p"}, NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0), Serial: "1"})
	f.Add(cert)
	f.Add([]byte(`{"schema":"https://craudit.dev/schema/vendor-cert/v1","subject":{"public_key":"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, sub, err := ParseCertificate(b)
		if err != nil {
			return
		}
		if c == nil || sub == nil || sub.ID() != c.Subject.KeyID {
			t.Fatal("parsed certificate with inconsistent subject")
		}
		// An unsigned certificate must never verify.
		if _, _, err := VerifyCertificate(b, nil, root.Public(), CertVerifyOptions{}); err == nil {
			t.Fatal("certificate verified without a signature")
		}
	})
}

func FuzzParsePublicPEM(f *testing.F) {
	k, _ := FromSeed(ECDSAP256, []byte("x"))
	f.Add(k.Public().MarshalPEM())
	f.Add([]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePublicPEM(b)
		if err != nil {
			return
		}
		if _, err := ParsePublicDER(p.DER()); err != nil {
			t.Fatalf("re-encoded key does not parse: %v", err)
		}
	})
}
