package artefact

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Format names an artefact format.
type Format string

// The formats craudit reads.
const (
	FormatRAUCPlain  Format = "rauc-plain"
	FormatRAUCVerity Format = "rauc-verity"
	FormatSWUpdate   Format = "swupdate"
	FormatMender     Format = "mender"
)

// Schema is the version of the inspection JSON (the bundle's artefact
// evidence file kind).
const Schema = "craudit.artefact-inspection/v1"

// Options is the trust a verification uses. The zero value verifies
// integrity only: a signature that was not checked against a trust anchor
// never counts as verified.
type Options struct {
	// Roots are the trusted CA certificates for CMS signatures (RAUC,
	// SWUpdate in CMS mode).
	Roots *x509.CertPool
	// Key is the trusted public key for raw signatures (Mender, SWUpdate
	// in RSA mode).
	Key crypto.PublicKey
	// Time is when certificates must be valid; zero means now.
	Time time.Time
	// Purpose is the extended key usage the signer certificate must allow:
	// "" or "smimesign" (emailProtection, the default of RAUC and SWUpdate),
	// "codesign" (codeSigning) or "any".
	Purpose string
}

// ExtKeyUsages maps Purpose to the key usages x509 verification asks for.
func (o Options) ExtKeyUsages() ([]x509.ExtKeyUsage, error) {
	switch o.Purpose {
	case "", "smimesign", "emailProtection":
		return []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, nil
	case "codesign", "codeSigning":
		return []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, nil
	case "any":
		return []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, nil
	}
	return nil, fmt.Errorf("purpose %q: want smimesign, codesign or any", o.Purpose)
}

// At is the verification time (now when unset).
func (o Options) At() time.Time {
	if o.Time.IsZero() {
		return time.Now()
	}
	return o.Time
}

// Cert is one certificate of a signer chain, leaf first.
type Cert struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// SPKISHA256 is the SHA-256 of the certificate's SubjectPublicKeyInfo.
	SPKISHA256 string `json:"spki_sha256"`
}

// Image is one payload of an artefact.
type Image struct {
	Name string `json:"name"`
	// Declared is the SHA-256 the signed metadata declares ("" when none).
	Declared string `json:"declared_sha256,omitempty"`
	// SHA256 is the SHA-256 craudit computed over the image's bytes ("" when
	// the image was not found or not read).
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size"`
	// Target is where the image goes (RAUC slot class, SWUpdate device,
	// Mender payload type).
	Target string `json:"target,omitempty"`
	// Verified is true when Declared is set and equals SHA256.
	Verified bool `json:"verified"`
}

// Signature describes how the artefact is signed and what came of checking it.
type Signature struct {
	// Kind is "cms", "rsa-pkcs1v15", "ecdsa-p256", "none".
	Kind string `json:"kind"`
	// Present is true when the artefact carries a signature at all.
	Present bool `json:"present"`
	// Valid is true when the signature verified over the signed bytes with
	// the signer's own key (integrity), whatever the trust anchor says.
	Valid bool `json:"valid"`
	// Trusted is true when the signer chains to the given CA or the given key
	// verified it.
	Trusted bool `json:"trusted"`
	// Anchor says what it was checked against ("ca", "key", "" for nothing).
	Anchor string `json:"anchor,omitempty"`
	// Chain is the signer chain as the artefact carries it (or as verified),
	// leaf first.
	Chain []Cert `json:"chain,omitempty"`
	// SigningTime is the CMS signing-time attribute when present.
	SigningTime *time.Time `json:"signing_time,omitempty"`
}

// Problem is one thing wrong with the artefact. Code is stable.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Report is the inspection of one artefact: what it says and what craudit
// verified. Verified is true only when the signature is valid and trusted,
// every image's hash matches the signed metadata, and no problem was found.
type Report struct {
	Schema string `json:"schema"`
	File   string `json:"file"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Format Format `json:"format"`
	// FormatVersion is the format's own version (Mender "3", RAUC "plain").
	FormatVersion string    `json:"format_version,omitempty"`
	Signature     Signature `json:"signature"`
	Version       string    `json:"version,omitempty"`
	// Compatible is RAUC's compatible string, SWUpdate's board / hardware
	// compatibility, Mender's device types.
	Compatible []string `json:"compatible,omitempty"`
	Hardware   []string `json:"hardware,omitempty"`
	DeviceType []string `json:"device_type,omitempty"`
	Name       string   `json:"name,omitempty"`
	Images     []Image  `json:"images"`
	// Details holds format-specific facts (verity root hash, salt...).
	Details  map[string]string `json:"details,omitempty"`
	Problems []Problem         `json:"problems,omitempty"`
	Verified bool              `json:"verified"`
}

// Add records a problem.
func (r *Report) Add(code, format string, a ...any) {
	r.Problems = append(r.Problems, Problem{Code: code, Message: fmt.Sprintf(format, a...)})
}

// Detail records a format-specific fact.
func (r *Report) Detail(k, v string) {
	if r.Details == nil {
		r.Details = map[string]string{}
	}
	r.Details[k] = v
}

// Finish computes Verified and sorts for stable output. Call it once, last.
func (r *Report) Finish() {
	r.Schema = Schema
	if r.Images == nil {
		r.Images = []Image{}
	}
	for i := range r.Images {
		im := &r.Images[i]
		im.Verified = im.Declared != "" && strings.EqualFold(im.Declared, im.SHA256)
	}
	sort.SliceStable(r.Images, func(i, j int) bool { return r.Images[i].Name < r.Images[j].Name })
	if !r.Signature.Present {
		r.Add("unsigned", "the artefact carries no signature")
	} else if !r.Signature.Trusted && r.Signature.Anchor == "" {
		r.Add("not-verified", "no trust anchor given (--ca or --key): the signer is not authenticated")
	}
	for _, im := range r.Images {
		switch {
		case im.Declared == "":
			r.Add("image-unhashed", "image %s has no hash in the signed metadata", im.Name)
		case im.SHA256 == "":
			r.Add("image-missing", "image %s is declared but was not found in the artefact", im.Name)
		case !im.Verified:
			r.Add("image-hash-mismatch", "image %s: SHA-256 %s, signed metadata declares %s", im.Name, im.SHA256, im.Declared)
		}
	}
	r.Problems = dedupe(r.Problems)
	r.Verified = len(r.Problems) == 0 && r.Signature.Present && r.Signature.Valid && r.Signature.Trusted && len(r.Images) > 0
	if len(r.Images) == 0 && len(r.Problems) == 0 {
		r.Problems = append(r.Problems, Problem{Code: "no-images", Message: "the artefact lists no images"})
	}
}

func dedupe(ps []Problem) []Problem {
	seen := map[Problem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// JSON is the report as indented JSON with a final newline.
func (r *Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteText writes the human form.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	verdict := "NOT VERIFIED"
	if r.Verified {
		verdict = "verified"
	}
	fmt.Fprintf(&b, "%s: %s (%s", r.File, verdict, r.Format)
	if r.FormatVersion != "" {
		fmt.Fprintf(&b, " %s", r.FormatVersion)
	}
	fmt.Fprintf(&b, ", %d bytes)\n", r.Size)
	if r.SHA256 != "" {
		fmt.Fprintf(&b, "  sha256:     %s\n", r.SHA256)
	}
	line := func(k string, v []string) {
		if len(v) > 0 {
			fmt.Fprintf(&b, "  %-11s %s\n", k+":", strings.Join(v, ", "))
		}
	}
	line("name", nonEmpty(r.Name))
	line("version", nonEmpty(r.Version))
	line("compatible", r.Compatible)
	line("hardware", r.Hardware)
	line("device type", r.DeviceType)
	s := r.Signature
	fmt.Fprintf(&b, "  signature:  %s, present=%t valid=%t trusted=%t", s.Kind, s.Present, s.Valid, s.Trusted)
	if s.Anchor != "" {
		fmt.Fprintf(&b, " (against --%s)", s.Anchor)
	}
	b.WriteString("\n")
	for i, c := range s.Chain {
		fmt.Fprintf(&b, "    %d %s (issuer %s, valid %s to %s)\n", i, c.Subject, c.Issuer,
			c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
	}
	keys := make([]string, 0, len(r.Details))
	for k := range r.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s: %s\n", k, r.Details[k])
	}
	fmt.Fprintf(&b, "  images (%d):\n", len(r.Images))
	for _, im := range r.Images {
		mark := "ok"
		if !im.Verified {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "    %-4s %s %d bytes sha256 %s", mark, im.Name, im.Size, orDash(im.SHA256))
		if im.Target != "" {
			fmt.Fprintf(&b, " -> %s", im.Target)
		}
		b.WriteString("\n")
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  problem %s: %s\n", p.Code, p.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ErrUnknownFormat is returned when a file is none of the formats craudit reads.
var ErrUnknownFormat = errors.New("not a RAUC bundle, SWUpdate archive or Mender artefact")

// FormatError says an artefact could not be read as its format at all
// (truncated, a size field pointing outside the file...). Verification
// commands report it as not verified; producing commands as bad input.
type FormatError struct {
	Format Format
	Reason string
}

func (e *FormatError) Error() string { return fmt.Sprintf("%s: %s", e.Format, e.Reason) }

// Malformed builds a FormatError.
func Malformed(f Format, format string, a ...any) error {
	return &FormatError{Format: f, Reason: fmt.Sprintf(format, a...)}
}

// Decode reads an inspection written by JSON, strictly (the bundle's
// artefact-inspection evidence).
func Decode(b []byte) (*Report, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if r.Schema != Schema {
		return nil, fmt.Errorf("schema %q, want %q", r.Schema, Schema)
	}
	if dec.More() {
		return nil, errors.New("data after the inspection")
	}
	return &r, nil
}
