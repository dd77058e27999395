package provenance

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/craudit/craudit/evidence/keys"
)

// State is the outcome for one verified property.
type State string

const (
	Verified State = "verified"
	Failed   State = "failed"
	// Unverified means the property could not be established: trust
	// material is missing, or the evidence is of a kind that cannot prove it.
	Unverified State = "unverified"
	// NotChecked means the caller did not ask (no expected builder given...).
	NotChecked State = "not_checked"
)

// Property names, in report order.
const (
	PropSignature = "signature"
	PropPredicate = "predicate"
	PropSubject   = "subject"
	PropBuilder   = "builder"
	PropSource    = "source"
)

// Property is one verified (or not) fact about an attestation or a file.
type Property struct {
	Name   string `json:"name"`
	State  State  `json:"state"`
	Detail string `json:"detail"`
}

// Artefact is a file the provenance is expected to describe.
type Artefact struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256,omitempty"`
	SHA512 string `json:"sha512,omitempty"`
}

func (a Artefact) digests() map[string]string {
	d := map[string]string{}
	if a.SHA256 != "" {
		d["sha256"] = strings.ToLower(a.SHA256)
	}
	if a.SHA512 != "" {
		d["sha512"] = strings.ToLower(a.SHA512)
	}
	return d
}

// VerifyOptions say what provenance is judged against. With neither Keys nor
// TrustedRoot nothing can be verified: signatures come out Unverified.
type VerifyOptions struct {
	// Keys are trusted keys for DSSE envelopes and for Sigstore bundles
	// signed with a managed key.
	Keys []*keys.PublicKey
	// TrustedRoot is a Sigstore trusted root (root.NewTrustedRootFromJSON),
	// used offline for Sigstore bundles signed with Fulcio certificates.
	TrustedRoot root.TrustedMaterial
	// Artefacts the statements must have as subjects; none: not checked.
	Artefacts []Artefact
	// BuilderID, when set, must equal the predicate's builder ID.
	BuilderID string
	// SourceURI, when set, must name the source the build came from
	// (compared after NormaliseSourceURI).
	SourceURI string
	// At is the reference time reported with the result. Certificates in
	// Sigstore bundles are judged at the time the transparency log or a
	// timestamp authority attests, as the Sigstore specification requires;
	// DSSE signatures by a key carry no time.
	At time.Time
}

// AttestationResult is the judgement of one attestation of a file.
type AttestationResult struct {
	Line          int        `json:"line,omitempty"`
	Kind          Kind       `json:"kind"`
	BundleVersion string     `json:"bundle_version,omitempty"`
	StatementType string     `json:"statement_type,omitempty"`
	PredicateType string     `json:"predicate_type,omitempty"`
	BuilderID     string     `json:"builder_id,omitempty"`
	BuildType     string     `json:"build_type,omitempty"`
	Subjects      []Subject  `json:"subjects"`
	Materials     []Material `json:"materials"`
	SourceURIs    []string   `json:"source_uris,omitempty"`
	// Signer is who the signature was verified for: a key ID, or a
	// certificate identity and its issuer.
	Signer string `json:"signer,omitempty"`
	// Matched lists the artefacts (by name) that are subjects here.
	Matched    []string   `json:"matched_artefacts"`
	Properties []Property `json:"properties"`
	// Statement is the decoded statement (nil for a message signature).
	Statement *Statement `json:"-"`
}

// Prop returns the property with the given name.
func (a *AttestationResult) Prop(name string) Property {
	for _, p := range a.Properties {
		if p.Name == name {
			return p
		}
	}
	return Property{Name: name, State: NotChecked}
}

// Result is the judgement of one provenance file.
type Result struct {
	At           time.Time           `json:"reference_time"`
	Attestations []AttestationResult `json:"attestations"`
	// Properties sum the attestations up, file-wide.
	Properties []Property `json:"properties"`
}

// Prop returns the file-wide property with the given name.
func (r *Result) Prop(name string) Property {
	for _, p := range r.Properties {
		if p.Name == name {
			return p
		}
	}
	return Property{Name: name, State: NotChecked}
}

// Verified reports whether every file-wide property verified or was not asked for.
func (r *Result) Verified() bool {
	for _, p := range r.Properties {
		if p.State != Verified && p.State != NotChecked {
			return false
		}
	}
	return len(r.Properties) > 0
}

// Verify parses a provenance file and judges it. The error is a parse error
// (a *ParseError wrapping ErrMalformed, or ErrTooLarge): the file is not
// provenance craudit can read.
func Verify(file []byte, o VerifyOptions) (*Result, error) {
	atts, err := Parse(file)
	if err != nil {
		return nil, err
	}
	return VerifyAttestations(atts, o), nil
}

// VerifyAttestations judges parsed attestations.
func VerifyAttestations(atts []*Attestation, o VerifyOptions) *Result {
	r := &Result{At: o.At.UTC(), Attestations: []AttestationResult{}}
	for _, a := range atts {
		r.Attestations = append(r.Attestations, judge(a, o))
	}
	r.Properties = summarise(r.Attestations, o)
	return r
}

func judge(a *Attestation, o VerifyOptions) AttestationResult {
	ar := AttestationResult{Line: a.Line, Kind: a.Kind, BundleVersion: a.BundleVersion, Statement: a.Statement,
		Subjects: []Subject{}, Materials: []Material{}, Matched: []string{}}
	sig, signer := verifySignature(a, o)
	ar.Signer = signer
	ar.Properties = append(ar.Properties, sig)
	s := a.Statement
	if s == nil {
		ar.Properties = append(ar.Properties,
			Property{PropPredicate, Failed, "a message signature, not an in-toto attestation"},
			Property{PropSubject, Failed, "no statement, so no subjects"})
		return ar
	}
	ar.StatementType, ar.PredicateType, ar.BuilderID, ar.BuildType = s.Type, s.PredicateType, s.BuilderID, s.BuildType
	ar.Subjects = append(ar.Subjects, s.Subjects...)
	ar.Materials = append(ar.Materials, s.Materials...)
	ar.SourceURIs = s.SourceURIs
	if s.IsSLSA() {
		ar.Properties = append(ar.Properties, Property{PropPredicate, Verified, fmt.Sprintf("%s in %s", s.PredicateType, s.Type)})
	} else {
		ar.Properties = append(ar.Properties, Property{PropPredicate, Failed, fmt.Sprintf("predicate type %s is not SLSA provenance v0.2 or v1", s.PredicateType)})
	}
	ar.Properties = append(ar.Properties, matchSubjects(&ar, s, o.Artefacts))
	switch {
	case o.BuilderID == "":
		ar.Properties = append(ar.Properties, Property{PropBuilder, NotChecked, builderDetail(s.BuilderID) + " (no expected builder given)"})
	case s.BuilderID == o.BuilderID:
		ar.Properties = append(ar.Properties, Property{PropBuilder, Verified, builderDetail(s.BuilderID)})
	default:
		ar.Properties = append(ar.Properties, Property{PropBuilder, Failed, fmt.Sprintf("%s, want %s", builderDetail(s.BuilderID), o.BuilderID)})
	}
	switch {
	case o.SourceURI == "":
		ar.Properties = append(ar.Properties, Property{PropSource, NotChecked, "no expected source given"})
	default:
		want := NormaliseSourceURI(o.SourceURI)
		found := ""
		for _, u := range s.SourceURIs {
			if NormaliseSourceURI(u) == want {
				found = u
				break
			}
		}
		if found != "" {
			ar.Properties = append(ar.Properties, Property{PropSource, Verified, "source " + found})
		} else {
			ar.Properties = append(ar.Properties, Property{PropSource, Failed, fmt.Sprintf("no source in the predicate is %s (it names: %s)", o.SourceURI, orNone(s.SourceURIs))})
		}
	}
	return ar
}

func builderDetail(id string) string {
	if id == "" {
		return "no builder ID in the predicate"
	}
	return "builder " + id
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// DigestsMatch reports whether a subject's digests equal an artefact's: at
// least one algorithm in common, and every common algorithm equal.
func DigestsMatch(subject, artefact map[string]string) bool {
	common := 0
	for alg, v := range artefact {
		sv, ok := subject[alg]
		if !ok {
			continue
		}
		if !strings.EqualFold(sv, v) {
			return false
		}
		common++
	}
	return common > 0
}

func matchSubjects(ar *AttestationResult, s *Statement, arts []Artefact) Property {
	if len(arts) == 0 {
		return Property{PropSubject, NotChecked, fmt.Sprintf("%d subject(s); no artefact given to compare", len(s.Subjects))}
	}
	var detail []string
	for _, a := range arts {
		for _, sub := range s.Subjects {
			if DigestsMatch(sub.Digest, a.digests()) {
				ar.Matched = append(ar.Matched, a.Name)
				detail = append(detail, fmt.Sprintf("%s is subject %q", a.Name, sub.Name))
				break
			}
		}
	}
	if len(ar.Matched) == 0 {
		return Property{PropSubject, Failed, "no subject digest equals the artefact's digest"}
	}
	return Property{PropSubject, Verified, strings.Join(detail, "; ")}
}

// summarise folds per-attestation properties into file-wide ones.
func summarise(ars []AttestationResult, o VerifyOptions) []Property {
	if len(ars) == 0 {
		return []Property{{PropSignature, Failed, "no attestation in the file"}}
	}
	out := []Property{fold(PropSignature, ars, nil), fold(PropPredicate, ars, nil)}
	// Subjects: every artefact must be a subject of some attestation.
	if len(o.Artefacts) == 0 {
		out = append(out, Property{PropSubject, NotChecked, "no artefact given to compare"})
	} else {
		var missing []string
		for _, a := range o.Artefacts {
			if !slices.ContainsFunc(ars, func(ar AttestationResult) bool { return slices.Contains(ar.Matched, a.Name) }) {
				missing = append(missing, a.Name)
			}
		}
		if len(missing) > 0 {
			out = append(out, Property{PropSubject, Failed, "no subject digest equals the digest of " + strings.Join(missing, ", ")})
		} else {
			out = append(out, fold(PropSubject, ars, func(ar AttestationResult) bool { return len(ar.Matched) > 0 }))
		}
	}
	// Builder and source are judged on the attestations about the artefacts.
	about := func(ar AttestationResult) bool { return len(o.Artefacts) == 0 || len(ar.Matched) > 0 }
	out = append(out, fold(PropBuilder, ars, about), fold(PropSource, ars, about))
	return out
}

// fold: any failed -> failed; any unverified -> unverified; all not checked
// -> not checked; else verified. Details of the deciding attestations are kept.
func fold(name string, ars []AttestationResult, keep func(AttestationResult) bool) Property {
	var states []State
	var details []string
	for _, ar := range ars {
		if keep != nil && !keep(ar) {
			continue
		}
		p := ar.Prop(name)
		states = append(states, p.State)
		d := p.Detail
		if len(ars) > 1 {
			d = fmt.Sprintf("#%d: %s", attestationNumber(ar), d)
		}
		details = append(details, d)
	}
	st := NotChecked
	switch {
	case len(states) == 0:
		return Property{name, NotChecked, "no attestation about the artefact"}
	case slices.Contains(states, Failed):
		st = Failed
	case slices.Contains(states, Unverified):
		st = Unverified
	case slices.Contains(states, Verified):
		st = Verified
	}
	return Property{name, st, strings.Join(slices.Compact(details), "; ")}
}

func attestationNumber(ar AttestationResult) int { return ar.Line }

// verifySignature establishes who signed the attestation, if anyone the
// caller trusts.
func verifySignature(a *Attestation, o VerifyOptions) (Property, string) {
	switch a.Kind {
	case KindStatement:
		return Property{PropSignature, Failed, "an unsigned in-toto Statement: nothing binds it to a builder"}, ""
	case KindSigstore:
		return verifySigstore(a, o)
	}
	if k := verifyDSSE(a.Envelope, o.Keys); k != nil {
		return Property{PropSignature, Verified, "DSSE signature verifies with trusted key " + k.ID()}, "key " + k.ID()
	}
	if len(o.Keys) > 0 {
		return Property{PropSignature, Failed, "DSSE signature does not verify with the trusted key(s)"}, ""
	}
	// No trusted key: the envelope may still show it was changed, when it
	// carries its signing certificate.
	for i, c := range a.EnvelopeCerts {
		cert := parseCert(c)
		if cert == nil {
			continue
		}
		ok, checked := envelopeMatchesCert(a.Envelope, i, cert)
		if !checked {
			continue
		}
		if !ok {
			return Property{PropSignature, Failed, "DSSE signature does not match the certificate in the envelope: the envelope was changed"}, ""
		}
		return Property{PropSignature, Unverified, fmt.Sprintf("DSSE signature matches the certificate in the envelope (%s), but no transparency-log entry or timestamp proves it was made while that certificate was valid, and no trusted key was given", certIdentity(cert))}, ""
	}
	return Property{PropSignature, Unverified, "no trusted key supplied: the DSSE signature cannot be verified"}, ""
}

func parseCert(s string) *x509.Certificate {
	if s == "" {
		return nil
	}
	der := []byte(s)
	if blk, _ := pem.Decode([]byte(s)); blk != nil {
		der = blk.Bytes
	} else if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		der = b
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil
	}
	return c
}

// envelopeMatchesCert checks signature i of env against cert's key, when the
// key is of a type craudit verifies (ECDSA P-256, Ed25519).
func envelopeMatchesCert(env *dsse.Envelope, i int, cert *x509.Certificate) (ok, checked bool) {
	pub, err := keys.ParsePublicDER(cert.RawSubjectPublicKeyInfo)
	if err != nil || i >= len(env.Signatures) {
		return false, false
	}
	one := *env
	one.Signatures = []dsse.Signature{env.Signatures[i]}
	return verifyDSSE(&one, []*keys.PublicKey{pub}) != nil, true
}

func certIdentity(c *x509.Certificate) string {
	var ids []string
	for _, u := range c.URIs {
		ids = append(ids, u.String())
	}
	ids = append(ids, c.EmailAddresses...)
	if len(ids) == 0 {
		h := hex.EncodeToString(c.SerialNumber.Bytes())
		return "certificate serial " + h
	}
	return "certificate for " + strings.Join(ids, ", ")
}
