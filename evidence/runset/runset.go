package runset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// DefaultMaxSize bounds a file when a Format sets no MaxSize.
const DefaultMaxSize = 32 << 20

// Format describes one kind of run file.
type Format[T any] struct {
	// Name is what errors call the file ("verifier transcript").
	Name string
	// SetSchema identifies a set of runs; RunSchema one run.
	SetSchema, RunSchema string
	// BareList also accepts a JSON list of runs (an older shape).
	BareList bool
	// MaxSize bounds the file in bytes; zero is DefaultMaxSize.
	MaxSize int64
	// SchemaOf returns the schema a decoded run declares.
	SchemaOf func(*T) string
	// Check, when set, refuses a run whose content the format does not allow.
	Check func(*T) error
}

// Set is the shape written from now on: several runs in one file.
type Set[T any] struct {
	Schema string `json:"schema"`
	Runs   []*T   `json:"runs"`
}

// JSON encodes the set, indented, with a final newline.
func (s *Set[T]) JSON() []byte { return Encode(s) }

// Encode marshals v indented with a final newline. The run types are plain
// values, so marshalling cannot fail; if it does, that is a programming
// error and Encode panics.
func Encode(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

// SizeError is a file larger than its format allows.
type SizeError struct {
	Format      string
	Size, Limit int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s: %d bytes, more than the limit of %d", e.Format, e.Size, e.Limit)
}

// SchemaError is a file, or a run inside a set (Run >= 0), whose schema is
// not one the format knows.
type SchemaError struct {
	Format string
	// Run is the index of the run inside the file, or -1 for the file.
	Run  int
	Got  string
	Want []string
}

func (e *SchemaError) Error() string {
	where := e.Format
	if e.Run >= 0 {
		where += fmt.Sprintf(": run %d", e.Run)
	}
	return fmt.Sprintf("%s: schema %q, want %s", where, e.Got, strings.Join(e.Want, " or "))
}

// DecodeError is a file that is not a valid file of its format: malformed
// JSON, wrong types, an empty set, a null run, or a run whose content the
// format refuses.
type DecodeError struct {
	Format string
	// Run is the index of the run inside the file, or -1 for the file.
	Run int
	Err error
}

func (e *DecodeError) Error() string {
	if e.Run >= 0 {
		return fmt.Sprintf("%s: run %d: %v", e.Format, e.Run, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Format, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode reads a set of runs, one run, or (with BareList) a JSON list of
// runs, and returns the runs in file order: never an empty list without an
// error, never a nil run.
func (f Format[T]) Decode(b []byte) ([]*T, error) {
	limit := f.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	if int64(len(b)) > limit {
		return nil, &SizeError{Format: f.Name, Size: int64(len(b)), Limit: limit}
	}
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		if !f.BareList {
			return nil, f.invalid(-1, errors.New("a JSON list, want an object"))
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			return nil, f.invalid(-1, err)
		}
		return f.runs(raws)
	}
	var head struct {
		Schema string            `json:"schema"`
		Runs   []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, f.invalid(-1, err)
	}
	switch head.Schema {
	case f.SetSchema:
		return f.runs(head.Runs)
	case f.RunSchema:
		r, err := f.run(-1, b)
		if err != nil {
			return nil, err
		}
		return []*T{r}, nil
	}
	return nil, &SchemaError{Format: f.Name, Run: -1, Got: head.Schema, Want: []string{f.SetSchema, f.RunSchema}}
}

func (f Format[T]) runs(raws []json.RawMessage) ([]*T, error) {
	if len(raws) == 0 {
		return nil, f.invalid(-1, errors.New("no run"))
	}
	out := make([]*T, 0, len(raws))
	for i, raw := range raws {
		r, err := f.run(i, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// run decodes one run; i is its index in the file, or -1 for a lone run.
func (f Format[T]) run(i int, raw []byte) (*T, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, f.invalid(i, errors.New("not a JSON object"))
	}
	var r T
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, f.invalid(i, err)
	}
	if got := f.SchemaOf(&r); got != f.RunSchema {
		return nil, &SchemaError{Format: f.Name, Run: i, Got: got, Want: []string{f.RunSchema}}
	}
	if f.Check != nil {
		if err := f.Check(&r); err != nil {
			return nil, f.invalid(i, err)
		}
	}
	return &r, nil
}

func (f Format[T]) invalid(i int, err error) *DecodeError {
	return &DecodeError{Format: f.Name, Run: i, Err: err}
}
