package uptane

import (
	"crypto/ecdsa"
	"encoding/asn1"
	"math/big"
)

// verifyRaw checks an ECDSA signature given as r||s by re-encoding it as
// ASN.1 DER.
func verifyRaw(p *ecdsa.PublicKey, h, sig []byte) bool {
	der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
	if err != nil {
		return false
	}
	return ecdsa.VerifyASN1(p, h, der)
}
