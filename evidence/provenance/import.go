package provenance

import (
	"fmt"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// CheckImport is what bundling runs on a provenance file it imports: the
// file must parse, and when a trusted root is given every Sigstore bundle in
// it must verify against that root (bundles signed with a managed key are
// left to the checks, which hold the keys). Subjects and DSSE envelopes are
// judged later by the checks, against the bundle's artefacts and keys.
func CheckImport(data []byte, tr root.TrustedMaterial) error {
	atts, err := Parse(data)
	if err != nil {
		return err
	}
	if tr == nil {
		return nil
	}
	for _, a := range atts {
		if a.Kind != KindSigstore {
			continue
		}
		p, _ := verifySignature(a, VerifyOptions{TrustedRoot: tr})
		if p.State == Failed || (p.State == Unverified && !managedKey(a)) {
			where := "the Sigstore bundle"
			if a.Line > 0 {
				where = fmt.Sprintf("line %d", a.Line)
			}
			return fmt.Errorf("%s does not verify against the trusted root: %s", where, p.Detail)
		}
	}
	return nil
}

func managedKey(a *Attestation) bool {
	vc, err := a.Bundle.VerificationContent()
	return err == nil && vc.Certificate() == nil && vc.PublicKey() != nil
}
