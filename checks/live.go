package checks

import (
	"errors"
	"fmt"

	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/transcript"
)

// LiveFile is one live-evidence file (live/transcript.json or
// live/attack-results.json) as judged once per Input: its runs, and whether
// they are authentic. Runs that are not authentic are shown but never
// counted as evidence for the product.
type LiveFile[T any] struct {
	Runs []*T
	// Signed is true when the file is an attestation (a DSSE envelope).
	Signed bool
	// Signer is the authenticated signer; nil when not authenticated.
	Signer *attest.Signer
	// Gathered is true for evidence this process measured itself in the
	// same run (check --repo): authentic by construction.
	Gathered bool
	// Problem says why the runs are not authentic (nil when they are).
	Problem error
}

// Authentic reports whether the runs may count as evidence.
func (f *LiveFile[T]) Authentic() bool {
	return f != nil && f.Problem == nil && (f.Signer != nil || f.Gathered)
}

// ErrUnsigned is live evidence given as a plain document: anyone can write
// one, so it is a finding, never a pass.
var ErrUnsigned = errors.New("unsigned live evidence: a plain JSON document, not an attestation signed by a key the root key certifies (sign it with `craudit verify|attack --signing-key KEY --key-cert CERT`)")

// Authenticity describes how the file was authenticated, or why not.
func (f *LiveFile[T]) Authenticity() string {
	switch {
	case f == nil:
		return "absent"
	case f.Problem != nil:
		return f.Problem.Error()
	case f.Gathered:
		return "gathered by this run"
	}
	return "signed by " + f.Signer.String()
}

// LiveUnusable is the outcome every check of one kind of live evidence
// reports when the file could not be read: Missing (with the message
// missing) when there is none, else the error's status. nil when the file
// was read, authentic or not.
func LiveUnusable(err error, missing string) *Outcome {
	switch {
	case err == nil:
		return nil
	case StatusOf(err) == Missing:
		return &Outcome{Status: Missing, Message: missing}
	}
	return &Outcome{Status: StatusOf(err), Message: err.Error()}
}

// SignedOutcome judges the file's authenticity alone: pass when it counts
// as authentic, fail saying why not.
func (f *LiveFile[T]) SignedOutcome(ev []EvidenceRef) Outcome {
	out := Outcome{Evidence: ev, Message: f.Authenticity(), Status: Fail}
	if f.Authentic() {
		out.Status = Pass
	}
	return out
}

// LiveTranscripts returns the verifier transcript (live/transcript.json)
// decoded and authenticated once per Input: from Live (gathered now or
// given on the command line) or else from the bundle. The error is an
// *EvidenceError: Absent when there is none, Unreadable when the bundle's
// copy failed verification, Malformed (wrapping the format's typed error)
// when transcript.ReadFile refuses it. Live must be complete before the
// first call.
func (in *Input) LiveTranscripts() (*LiveFile[transcript.Run], error) {
	return in.memo.transcripts.get(func() (*LiveFile[transcript.Run], error) {
		return readLive(in, bundle.TranscriptFile, transcript.ReadFile)
	})
}

// LiveAttacks returns the attack results (live/attack-results.json) on
// the same terms as LiveTranscripts.
func (in *Input) LiveAttacks() (*LiveFile[attackrun.Run], error) {
	return in.memo.attacks.get(func() (*LiveFile[attackrun.Run], error) {
		return readLive(in, bundle.AttackFile, attackrun.ReadFile)
	})
}

// Transcripts returns every run of LiveTranscripts, authentic or not (for
// rendering; the checks count only authentic runs).
func (in *Input) Transcripts() ([]*transcript.Run, error) {
	f, err := in.LiveTranscripts()
	if err != nil {
		return nil, err
	}
	return f.Runs, nil
}

// AttackRuns returns every run of LiveAttacks, authentic or not.
func (in *Input) AttackRuns() ([]*attackrun.Run, error) {
	f, err := in.LiveAttacks()
	if err != nil {
		return nil, err
	}
	return f.Runs, nil
}

func readLive[T any](in *Input, p string, read func([]byte) (*attest.File[T], error)) (*LiveFile[T], error) {
	f, err := decodeEvidence(in, p, read)
	if err != nil {
		return nil, err
	}
	lf := &LiveFile[T]{Runs: f.Runs, Signed: f.Signed(), Gathered: in.Gathered[p]}
	switch {
	case lf.Gathered:
	case !f.Signed():
		lf.Problem = ErrUnsigned
	default:
		lf.Signer, lf.Problem = verifyLive(in, f.Attestation)
		if lf.Problem != nil {
			lf.Problem = fmt.Errorf("live evidence not authenticated: %w", lf.Problem)
		}
	}
	return lf, nil
}

// verifyLive authenticates an attestation against the root key (--trust):
// signed by the root key, by the bundle's signer (whose certificate the
// bundle's verification checked), or by a key certified through the
// certificate in the envelope, at the reference time and for the product.
func verifyLive(in *Input, a *attest.Attestation) (*attest.Signer, error) {
	o := attest.VerifyOptions{Root: in.Root, At: in.RefTime}
	if in.Bundle != nil && in.Bundle.Signer != nil {
		o.Known = append(o.Known, attest.KnownKey{Key: in.Bundle.Signer, How: "the bundle's signer, certified by the root key"})
	}
	if in.Product != nil {
		o.Product = in.Product.Product.ID
	}
	return a.Verify(o)
}
