package transcript

import (
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
)

// PredicateType is the in-toto predicate type of a signed transcript.
const PredicateType = "https://craudit.dev/attestation/verifier-transcript/v1"

// NoTLSPrefix starts the subject name of a run that recorded no TLS
// certificate (plain http, or a transcript written before the contacted
// endpoint was recorded): it binds only the URL's text, not a server.
const NoTLSPrefix = "no-tls-certificate:"

var predicate = attest.Predicate[Run]{Type: PredicateType, Parse: Parse, Subjects: Subjects}

// Subjects are what a set of runs measured: per run, the repository URL
// with the SHA-256 of the TLS leaf certificate the server presented.
func Subjects(runs []*Run) []attest.Subject {
	var out []attest.Subject
	for _, r := range runs {
		out = append(out, subject(r))
	}
	return attest.SortSubjects(out)
}

func subject(r *Run) attest.Subject {
	if r.Repository != "" && r.Contacted != nil && attest.IsSHA256(r.Contacted.TLSLeafSHA256) {
		return attest.Subject{Name: r.Repository, Digest: map[string]string{"sha256": r.Contacted.TLSLeafSHA256}}
	}
	return attest.Subject{Name: NoTLSPrefix + r.Repository, Digest: attest.TextDigest(r.Repository)}
}

// ReadFile reads a transcript file: a signed attestation (its subjects
// checked against the runs, its signature not yet verified) or a plain,
// unsigned transcript. Errors are those of Parse, *attest.DecodeError or
// *attest.SubjectError.
func ReadFile(b []byte) (*attest.File[Run], error) { return predicate.Read(b) }

// Sign makes the attestation of a transcript document doc (one Run or a
// Set, as JSON) signed by signer; cert, when set, travels with it.
func Sign(doc []byte, signer *keys.PrivateKey, cert *attest.Certificate) ([]byte, error) {
	return predicate.Sign(doc, signer, cert)
}
