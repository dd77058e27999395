package primary

import (
	"errors"
	"fmt"

	"github.com/craudit/craudit/evidence/transcript"
)

// Class names a failure in the vocabulary of the Uptane test vectors
// (advancedtelematic/tuf-test-vectors), extended for what they do not
// cover.
type Class string

const (
	ClassBadKeyID            Class = "BadKeyId"
	ClassUnmetThreshold      Class = "UnmetThreshold"
	ClassNonUniqueSignatures Class = "NonUniqueSignatures"
	ClassIllegalThreshold    Class = "IllegalThreshold"
	ClassExpired             Class = "ExpiredMetadata"
	ClassWrongType           Class = "SecurityException"
	ClassRootRotation        Class = "RootRotationError"
	ClassVersionMismatch     Class = "VersionMismatch"
	ClassRollback            Class = "RollbackAttempt"
	ClassDelegationMissing   Class = "DelegationMissing"
	ClassDirectorDelegation  Class = "DirectorDelegation"
	ClassRepeatedECU         Class = "DirectorRepeatedEcuId"
	ClassTargetMismatch      Class = "TargetMismatch"
	ClassBadHardwareID       Class = "BadHardwareId"
	ClassBadECUID            Class = "BadEcuId"
	ClassOversizedTarget     Class = "OversizedTarget"
	ClassTargetHashMismatch  Class = "TargetHashMismatch"
	ClassFetchFailure        Class = "MetadataFetchFailure"
	ClassMetadataHash        Class = "MetadataHashMismatch"
	ClassMalformed           Class = "MalformedMetadata"
	ClassReleaseCounter      Class = "ReleaseCounterRollback"
	ClassMissingMetadata     Class = "MissingMetadata"
)

// Error is one refusal: which repository and role (or target), the class
// and the control it belongs to.
type Error struct {
	Repo    string // "director", "image"
	Role    string // "root", "targets", a delegated role, or "" for a target
	Target  string
	Class   Class
	Control transcript.Control
	Err     error
}

func (e *Error) Error() string {
	where := e.Repo
	if e.Role != "" {
		where += " " + e.Role
	}
	if e.Target != "" {
		where += " target " + e.Target
	}
	return fmt.Sprintf("%s: %s: %v", where, e.Class, e.Err)
}
func (e *Error) Unwrap() error { return e.Err }

// ErrNotFound is what a Source wraps for a file the repository does not
// have (HTTP 404): it ends the root chain, marks an optional role absent.
var ErrNotFound = errors.New("not found")

// ErrTooLarge is what a Source wraps for a file over its limit.
var ErrTooLarge = errors.New("over the size limit")

// FatalError from a Source means the verifier could not run (an
// unreachable server): Verify returns it instead of a transcript.
type FatalError struct{ Err error }

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }
