package uptane

import (
	"errors"
	"fmt"
)

// Sentinel errors; the typed errors below wrap them so callers can use
// errors.Is and errors.As.
var (
	// ErrMalformed: the bytes are not Uptane metadata (not JSON, wrong
	// shape, a non-integer number where canonical JSON allows none).
	ErrMalformed = errors.New("malformed uptane metadata")
	// ErrBadKey: a key cannot be parsed or its type is unsupported.
	ErrBadKey = errors.New("unusable key")
	// ErrBadKeyID: a key is published under an ID that none of the three
	// key-ID schemes gives for it.
	ErrBadKeyID = errors.New("key ID does not match the key")
	// ErrThreshold: fewer valid signatures by distinct authorised keys than
	// the role's threshold.
	ErrThreshold = errors.New("signature threshold not met")
	// ErrIllegalThreshold: a role's threshold is below 1.
	ErrIllegalThreshold = errors.New("illegal threshold")
	// ErrNonUniqueSignatures: one key signed more than once.
	ErrNonUniqueSignatures = errors.New("non-unique signatures")
	// ErrWrongType: the metadata's _type is not the role expected.
	ErrWrongType = errors.New("wrong metadata type")
)

// DecodeError says which part of a document could not be decoded.
type DecodeError struct {
	What string // "envelope", "signed", "root", "key 3f3e…" ...
	Err  error
}

func (e *DecodeError) Error() string { return fmt.Sprintf("%s: %v", e.What, e.Err) }
func (e *DecodeError) Unwrap() error { return e.Err }

// KeyIDError names a key whose published ID matches none of its computed IDs.
type KeyIDError struct {
	Published string
	Computed  map[KeyIDScheme]string
}

func (e *KeyIDError) Error() string {
	return fmt.Sprintf("key published as %s has IDs %s (tuf), %s (ota-tuf), %s (aktualizr)",
		short(e.Published), short(e.Computed[KeyIDTUF]), short(e.Computed[KeyIDSPKI]), short(e.Computed[KeyIDAktualizr]))
}
func (e *KeyIDError) Unwrap() error { return ErrBadKeyID }

// ThresholdError is a role whose signatures do not reach its threshold.
type ThresholdError struct {
	Role      string
	Valid     int
	Threshold int
}

func (e *ThresholdError) Error() string {
	return fmt.Sprintf("%s: %d valid signature(s) by distinct authorised keys, threshold %d", e.Role, e.Valid, e.Threshold)
}
func (e *ThresholdError) Unwrap() error { return ErrThreshold }

func short(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	if s == "" {
		return "-"
	}
	return s
}
