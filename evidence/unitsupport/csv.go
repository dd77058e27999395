package unitsupport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// MaxCSVBytes bounds a placed-on-market file.
const MaxCSVBytes = 64 << 20

// Header is the placed-on-market file's required first line.
var Header = []string{"unit", "placed_on_market", "batch"}

// Record is one placed-on-market row: a unit (its unit ID, VIN or Primary
// ECU serial, as its manifests name it), the day it was placed on the
// market, and the batch it belongs to (may be empty).
type Record struct {
	Unit           string    `json:"unit"`
	PlacedOnMarket time.Time `json:"placed_on_market"`
	Batch          string    `json:"batch,omitempty"`
	Line           int       `json:"line"`
}

// Records is a placed-on-market file, keyed by unit.
type Records struct {
	File string
	rows map[string]Record
}

// Len is the number of units the file names.
func (r *Records) Len() int {
	if r == nil {
		return 0
	}
	return len(r.rows)
}

// Lookup returns the row of the first of ids that has one.
func (r *Records) Lookup(ids ...string) (Record, bool) {
	if r == nil {
		return Record{}, false
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		if rec, ok := r.rows[id]; ok {
			return rec, true
		}
	}
	return Record{}, false
}

// Units returns the units the file names, sorted.
func (r *Records) Units() []string {
	if r == nil {
		return nil
	}
	out := make([]string, 0, len(r.rows))
	for u := range r.rows {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// LineError names the file and line a placed-on-market file is wrong at.
type LineError struct {
	File   string
	Line   int
	Reason string
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Reason)
	}
	return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Reason)
}

// LoadCSV reads a placed-on-market file (bounded).
func LoadCSV(path string) (*Records, error) {
	b, err := atomicfs.ReadFile(path, MaxCSVBytes)
	if err != nil {
		return nil, err
	}
	return ParseCSV(path, b)
}

// ParseCSV reads a placed-on-market file strictly: the header
// `unit,placed_on_market,batch`, then one unit a line with a date
// YYYY-MM-DD; an empty unit, a bad date, a wrong number of fields or a unit
// named twice is an error naming the line. Blank lines and lines starting
// with # are skipped.
func ParseCSV(name string, b []byte) (*Records, error) {
	if !utf8.Valid(b) {
		return nil, &LineError{File: name, Reason: "not UTF-8 text"}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	out := &Records{File: name, rows: map[string]Record{}}
	header := true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{File: name, Line: pe.Line, Reason: pe.Err.Error()}
			}
			return nil, &LineError{File: name, Reason: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(Header) {
			return nil, &LineError{File: name, Line: line, Reason: fmt.Sprintf("%d fields, want %d (%s)", len(rec), len(Header), strings.Join(Header, ","))}
		}
		if header {
			for i, h := range Header {
				if strings.TrimSpace(rec[i]) != h {
					return nil, &LineError{File: name, Line: line, Reason: fmt.Sprintf("header %q, want %s", strings.Join(rec, ","), strings.Join(Header, ","))}
				}
			}
			header = false
			continue
		}
		unit, date, batch := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if unit == "" {
			return nil, &LineError{File: name, Line: line, Reason: "empty unit"}
		}
		t, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return nil, &LineError{File: name, Line: line, Reason: fmt.Sprintf("placed_on_market %q: want YYYY-MM-DD", date)}
		}
		if prev, dup := out.rows[unit]; dup {
			return nil, &LineError{File: name, Line: line, Reason: fmt.Sprintf("unit %q already on line %d", unit, prev.Line)}
		}
		out.rows[unit] = Record{Unit: unit, PlacedOnMarket: t.UTC(), Batch: batch, Line: line}
	}
	if header {
		return nil, &LineError{File: name, Reason: "empty file: want the header " + strings.Join(Header, ",")}
	}
	return out, nil
}
