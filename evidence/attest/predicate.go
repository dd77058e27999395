package attest

import (
	"github.com/craudit/craudit/evidence/atomicfs"

	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/craudit/craudit/evidence/keys"
)

// Predicate describes one kind of live evidence carried as a predicate:
// its predicate type, the one parser of its documents, and the subjects a
// set of runs binds.
type Predicate[T any] struct {
	Type     string
	Parse    func([]byte) ([]*T, error)
	Subjects func([]*T) []Subject
}

// File is a live-evidence file as read: its runs, and the attestation they
// came in (nil for a plain, unsigned document).
type File[T any] struct {
	Runs        []*T
	Attestation *Attestation
}

// Signed reports whether the file came in an envelope (not whether the
// signature verifies: see Attestation.Verify).
func (f *File[T]) Signed() bool { return f != nil && f.Attestation != nil }

// SubjectError is a statement whose subjects are not what its predicate
// measured: a statement must bind exactly what its runs record.
type SubjectError struct {
	Want, Got []Subject
}

func (e *SubjectError) Error() string {
	return fmt.Sprintf("attestation: the statement's subjects %s are not what its predicate measured %s", names(e.Got), names(e.Want))
}

func names(s []Subject) string {
	out := "["
	for i, x := range SortSubjects(s) {
		if i > 0 {
			out += ", "
		}
		out += x.Name
	}
	return out + "]"
}

// Read decodes a live-evidence file: a DSSE envelope (decoded by Decode,
// its predicate by p.Parse, its subjects compared with those the runs
// bind), or else a plain document (p.Parse). It authenticates nothing.
func (p Predicate[T]) Read(b []byte) (*File[T], error) {
	if !IsEnvelope(b) {
		runs, err := p.Parse(b)
		if err != nil {
			return nil, err
		}
		return &File[T]{Runs: runs}, nil
	}
	a, err := Decode(b, p.Type)
	if err != nil {
		return nil, err
	}
	runs, err := p.Parse(a.Statement.Predicate)
	if err != nil {
		return nil, fmt.Errorf("attestation predicate: %w", err)
	}
	if want := p.Subjects(runs); !SameSubjects(want, a.Statement.Subject) {
		return nil, &SubjectError{Want: want, Got: a.Statement.Subject}
	}
	return &File[T]{Runs: runs, Attestation: a}, nil
}

// Sign makes the attestation of document doc (the encoded runs, exactly as
// the plain file would hold them), which must parse; the subjects are
// those the runs bind.
func (p Predicate[T]) Sign(doc []byte, signer *keys.PrivateKey, cert *Certificate) ([]byte, error) {
	runs, err := p.Parse(doc)
	if err != nil {
		return nil, err
	}
	st := &Statement{Type: StatementType, Subject: p.Subjects(runs), PredicateType: p.Type, Predicate: doc}
	return Sign(st, signer, cert)
}

// TextDigest is the SHA-256 of a text, for subjects that can bind only a
// name (see docs/formats.md: unbound subjects).
func TextDigest(s string) map[string]string {
	h := sha256.Sum256([]byte(s))
	return map[string]string{"sha256": hex.EncodeToString(h[:])}
}

// ReadFile reads a live-evidence file from disk: a regular file of at most
// MaxSize bytes. Errors name the file.
func ReadFile(path string) ([]byte, error) { return atomicfs.ReadFile(path, MaxSize) }

// LoadCertificate reads a vendor-key certificate CERT and CERT.sig beside
// it (as every command that takes --key-cert does) and checks that it
// certifies signer. Its chain to the root key is judged where the
// attestation is verified.
func LoadCertificate(path string, signer *keys.PublicKey) (*Certificate, error) {
	cert, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	sig, err := ReadFile(path + ".sig")
	if err != nil {
		return nil, err
	}
	_, sub, err := keys.ParseCertificate(cert)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !sub.Equal(signer) {
		return nil, fmt.Errorf("%s: certifies a different key than the signing key", path)
	}
	return &Certificate{Cert: cert, Sig: sig}, nil
}
