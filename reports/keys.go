package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
)

// KeyRole is one key of the update solution and the part it plays.
type KeyRole struct {
	Role   string
	Detail string
	Files  []FileRef
}

// collectKeys describes the two-level signing of the ENISA manifest profile
// from the bundle: the root key (the device's trust anchor, given to the
// judge out of band, never taken from the bundle) certifies the vendor key,
// which signs the manifest and the bundle index.
func (d *Data) collectKeys(in *checks.Input) {
	if in.Root != nil {
		d.Keys = append(d.Keys, KeyRole{Role: "root key (trust anchor)",
			Detail: fmt.Sprintf("%s key %s, given to the judge with --trust; not taken from the bundle", in.Root.Type(), in.Root.ID())})
	}
	signer, hasSigner := d.File(bundle.SignerKey)
	cert, hasCert := d.File(bundle.VendorCert)
	if !hasSigner && !hasCert {
		return
	}
	k := KeyRole{Role: "vendor key (operational signing key)"}
	var files []FileRef
	if hasSigner {
		files = append(files, signer)
		if b, err := in.Read(bundle.SignerKey); err == nil {
			if pk, err := keys.ParsePublicPEM(b); err == nil {
				k.Detail = fmt.Sprintf("%s key %s; signs manifest.json and bundle.json", pk.Type(), pk.ID())
			}
		}
	}
	if hasCert {
		files = append(files, cert)
		if sig, ok := d.File(bundle.VendorCertSig); ok {
			files = append(files, sig)
		}
		if b, err := in.Read(bundle.VendorCert); err == nil {
			if c, _, err := keys.ParseCertificate(b); err == nil {
				k.Detail += fmt.Sprintf("; certified by root key %s for %s, valid %s to %s (serial %s)", c.Issuer.KeyID,
					strings.Join(c.Scope, ", "), c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly), c.Serial)
			} else {
				d.note("%s: %v", bundle.VendorCert, err)
			}
		}
	}
	k.Detail = strings.TrimPrefix(k.Detail, "; ")
	k.Files = files
	d.Keys = append(d.Keys, k)
}
