package attackrun

import (
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
)

// PredicateType is the in-toto predicate type of signed attack results.
const PredicateType = "https://craudit.dev/attestation/attack-results/v1"

// Prefixes of subject names that bind only a text, not code.
const (
	// UnidentifiedPrefix names a run whose updater was not hashed: the
	// subject binds only the client's command line.
	UnidentifiedPrefix = "unidentified-updater:"
	// UnhashedConfigPrefix names a --client-config file without a digest.
	UnhashedConfigPrefix = "unhashed-config:"
)

var predicate = attest.Predicate[Run]{Type: PredicateType, Parse: Parse, Subjects: Subjects}

// Subjects are what a set of runs tested: per run, the updater under test
// by the SHA-256 of its executable (or script) and each configuration file.
func Subjects(runs []*Run) []attest.Subject {
	var out []attest.Subject
	for _, r := range runs {
		u := r.Updater
		if u == nil || !attest.IsSHA256(u.SHA256) {
			out = append(out, attest.Subject{Name: UnidentifiedPrefix + r.Client, Digest: attest.TextDigest(r.Client)})
		} else {
			name := u.Name
			if name == "" {
				name = u.Path
			}
			if name == "" {
				name = "updater"
			}
			out = append(out, attest.Subject{Name: name, Digest: map[string]string{"sha256": u.SHA256}})
		}
		if u == nil {
			continue
		}
		for _, c := range u.Configs {
			if attest.IsSHA256(c.SHA256) {
				out = append(out, attest.Subject{Name: c.Path, Digest: map[string]string{"sha256": c.SHA256}})
			} else {
				out = append(out, attest.Subject{Name: UnhashedConfigPrefix + c.Path, Digest: attest.TextDigest(c.Path)})
			}
		}
	}
	return attest.SortSubjects(out)
}

// ReadFile reads an attack-results file: a signed attestation (its
// subjects checked against the runs, its signature not yet verified) or
// plain, unsigned results. Errors are those of Parse, *attest.DecodeError
// or *attest.SubjectError.
func ReadFile(b []byte) (*attest.File[Run], error) { return predicate.Read(b) }

// Sign makes the attestation of an attack-results document doc (one Run, a
// Set or a list, as JSON) signed by signer; cert, when set, travels with it.
func Sign(doc []byte, signer *keys.PrivateKey, cert *attest.Certificate) ([]byte, error) {
	return predicate.Sign(doc, signer, cert)
}
