package manifest

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"slices"
	"time"

	"github.com/craudit/craudit/evidence/keys"
)

// Step names one device-side verification step; transcripts and checks use them.
type Step string

const (
	StepChain         Step = "chain"         // vendor certificate signed by the root key, valid, in scope
	StepSignature     Step = "signature"     // manifest signed by the certified vendor key
	StepApplicability Step = "applicability" // product and hardware
	StepFreshness     Step = "freshness"     // timestamp not in the future, not expired
	StepRollback      Step = "rollback"      // version and counter above what is installed
	StepIntegrity     Step = "integrity"     // artefact size and hashes
)

// Error is a verification failure, naming the step that refused.
type Error struct {
	Step Step
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Step, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

func fail(s Step, format string, a ...any) error {
	return &Error{Step: s, Err: fmt.Errorf(format, a...)}
}

// Chain is the signed material a device receives beside the artefacts.
type Chain struct {
	Manifest, ManifestSig []byte
	Cert, CertSig         []byte
}

// VerifyOptions is what the device knows and expects. Field names follow the
// sigstore-go convention: a check that is switched off says so by name.
type VerifyOptions struct {
	Root *keys.PublicKey
	// At is the reference time for certificate validity and manifest freshness.
	At time.Time
	// Product and HardwareID are the device's identity; empty skips the check
	// only when the matching ...Unsafe switch is set.
	Product, HardwareID     string
	SkipApplicabilityUnsafe bool
	// InstalledCounter is the stored anti-rollback counter; nil means the
	// device has no state yet (first install) and only a counter must exist.
	InstalledCounter *uint64
	// MaxClockSkew tolerates a manifest timestamp slightly in the future.
	MaxClockSkew time.Duration
}

// Verify checks the chain and the manifest's fields, in device order, and
// returns the manifest it now trusts.
func Verify(c Chain, o VerifyOptions) (*Manifest, *keys.Certificate, error) {
	if o.Root == nil {
		return nil, nil, fail(StepChain, "no trusted root key")
	}
	// "Signature verification: vendor certificate chains to the root key" (ENISA example).
	cert, vendor, err := keys.VerifyCertificate(c.Cert, c.CertSig, o.Root, keys.CertVerifyOptions{At: o.At})
	if err != nil {
		return nil, nil, &Error{Step: StepChain, Err: err}
	}
	if err := vendor.Verify(c.Manifest, c.ManifestSig); err != nil {
		return nil, cert, &Error{Step: StepSignature, Err: err}
	}
	m, err := Parse(c.Manifest)
	if err != nil {
		// Signed but unparsable: the signer made it, but the device cannot use it.
		return nil, cert, &Error{Step: StepSignature, Err: err}
	}
	if !slices.Contains(cert.Scope, m.Product) {
		return m, cert, &Error{Step: StepChain, Err: &keys.CertificateError{Reason: keys.CertOutOfScope,
			Detail: fmt.Sprintf("manifest product %q not in %v", m.Product, cert.Scope)}}
	}
	if !o.SkipApplicabilityUnsafe {
		if o.Product == "" || m.Product != o.Product {
			return m, cert, fail(StepApplicability, "manifest is for product %q, device is %q", m.Product, o.Product)
		}
		if o.HardwareID == "" || !slices.Contains(m.HardwareIDs, o.HardwareID) {
			return m, cert, fail(StepApplicability, "hardware %q not in %v", o.HardwareID, m.HardwareIDs)
		}
	}
	if err := CheckFreshness(m, o.At, o.MaxClockSkew); err != nil {
		return m, cert, err
	}
	if m.RollbackCounter == nil {
		return m, cert, fail(StepRollback, "manifest has no rollback counter")
	}
	if o.InstalledCounter != nil && *m.RollbackCounter <= *o.InstalledCounter {
		return m, cert, fail(StepRollback, "rollback counter %d is not above the installed %d", *m.RollbackCounter, *o.InstalledCounter)
	}
	return m, cert, nil
}

// CheckFreshness judges the manifest's validity window at the reference time.
func CheckFreshness(m *Manifest, at time.Time, skew time.Duration) error {
	if m.Timestamp.IsZero() || m.Expires.IsZero() {
		return fail(StepFreshness, "timestamp and expires are required")
	}
	if !m.Expires.After(m.Timestamp) {
		return fail(StepFreshness, "expires %s is not after timestamp %s", m.Expires.Format(time.RFC3339), m.Timestamp.Format(time.RFC3339))
	}
	if m.Timestamp.After(at.Add(skew)) {
		return fail(StepFreshness, "timestamp %s is in the future at %s", m.Timestamp.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	if !at.Before(m.Expires) {
		return fail(StepFreshness, "expired at %s (reference time %s)", m.Expires.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	return nil
}

// VerifyArtefact reads at most a.Size+1 bytes from r and checks size and both
// hashes: a server that sends more than the manifest promises is cut off.
func VerifyArtefact(a Artefact, r io.Reader) error {
	h256, h512 := sha256.New(), sha512.New()
	n, err := io.Copy(io.MultiWriter(h256, h512), io.LimitReader(r, a.Size+1))
	if err != nil {
		return fail(StepIntegrity, "%s: reading: %v", a.Name, err)
	}
	if n != a.Size {
		return fail(StepIntegrity, "%s: size %d, manifest says %d", a.Name, n, a.Size)
	}
	if got := hexSum(h256); got != a.SHA256 {
		return fail(StepIntegrity, "%s: sha256 %s, manifest says %s", a.Name, got, a.SHA256)
	}
	if got := hexSum(h512); got != a.SHA512 {
		return fail(StepIntegrity, "%s: sha512 mismatch", a.Name)
	}
	return nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
