package provenance

import (
	"errors"
	"fmt"
)

// ErrMalformed is wrapped by every error about bytes that are not a
// provenance document of a supported shape.
var ErrMalformed = errors.New("malformed provenance")

// ErrTooLarge is returned for inputs beyond the package's size limits.
var ErrTooLarge = errors.New("provenance too large")

// ParseError says which attestation (line of a .intoto.jsonl, counted from 1;
// 0 for a whole-file document) could not be read, and why.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return e.Err.Error()
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, a...)...)
}
