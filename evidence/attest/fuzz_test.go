package attest_test

import (
	"testing"

	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
)

// FuzzDecode: an attestation comes from a bundle, a dossier or the command
// line and may be hostile. Decode never panics; what it accepts has a
// statement of the asked predicate type with named, digested subjects and
// one certificate slot per signature, and verifying it never panics.
func FuzzDecode(f *testing.F) {
	c := newChain(f, keys.ECDSAP256)
	good, _ := attest.Sign(statement(), c.vendor, c.cert)
	f.Add(good)
	f.Add([]byte(`{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}`))
	f.Add([]byte(`{"payloadType":1}`))
	f.Add([]byte(`[]`))
	root := c.root.Public()
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := attest.Decode(b, predType)
		if err != nil {
			if a != nil {
				t.Fatal("attestation with an error")
			}
			return
		}
		if a.Statement == nil || a.Statement.PredicateType != predType || len(a.Statement.Subject) == 0 {
			t.Fatalf("accepted %+v", a.Statement)
		}
		if len(a.Certs) != len(a.Envelope.Signatures) || len(a.Envelope.Signatures) == 0 {
			t.Fatal("certificate slots do not match signatures")
		}
		_, _ = a.Verify(attest.VerifyOptions{Root: root, At: at})
	})
}
