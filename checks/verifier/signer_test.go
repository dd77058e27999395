package verifier_test

import (
	"crypto"

	"github.com/sigstore/sigstore/pkg/signature"
)

func sigstoreSigner(k crypto.Signer) (signature.Signer, error) {
	return signature.LoadSigner(k, crypto.SHA256)
}
