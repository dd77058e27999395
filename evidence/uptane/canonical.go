package uptane

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// Form is one of the two canonical-JSON forms that Uptane deployments sign.
type Form string

const (
	// FormOLPC is TUF's canonical JSON (securesystemslib, go-tuf, the
	// Uptane reference implementation): keys sorted, no white space,
	// integers only, and inside strings only `"` and `\` escaped — a
	// newline in a PEM key is a raw newline byte.
	FormOLPC Form = "olpc"
	// FormJSONSubset is aktualizr's and ota-tuf's form: keys sorted, no
	// white space, strings escaped as JSON escapes them (`\n` stays `\n`,
	// other control characters as \u00XX), non-ASCII kept as UTF-8.
	FormJSONSubset Form = "json-subset"
)

// Forms lists both forms, TUF's first.
var Forms = []Form{FormOLPC, FormJSONSubset}

// Canonical returns the canonical encoding of the JSON value raw in form f.
func Canonical(raw []byte, f Form) ([]byte, error) {
	v, err := decodeValue(raw)
	if err != nil {
		return nil, err
	}
	return CanonicalValue(v, f)
}

// CanonicalValue encodes a value decoded with json.Number numbers (as
// decodeValue makes) or built from maps, slices, strings, bools, ints.
func CanonicalValue(v any, f Form) ([]byte, error) {
	if f != FormOLPC && f != FormJSONSubset {
		return nil, fmt.Errorf("unknown canonical form %q", f)
	}
	var b bytes.Buffer
	if err := encodeCanonical(&b, v, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func decodeValue(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, &DecodeError{What: "json", Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, &DecodeError{What: "json", Err: fmt.Errorf("%w: trailing data", ErrMalformed)}
	}
	return v, nil
}

func encodeCanonical(b *bytes.Buffer, v any, f Form) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		s := x.String()
		if strings.ContainsAny(s, ".eE") {
			if f == FormOLPC {
				return &DecodeError{What: "number " + s, Err: fmt.Errorf("%w: canonical JSON allows integers only", ErrMalformed)}
			}
		}
		b.WriteString(s)
	case int:
		fmt.Fprintf(b, "%d", x)
	case int64:
		fmt.Fprintf(b, "%d", x)
	case string:
		encodeString(b, x, f)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeCanonical(b, e, f); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeString(b, k, f)
			b.WriteByte(':')
			if err := encodeCanonical(b, x[k], f); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("canonical JSON: unsupported value of type %T", v)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func encodeString(b *bytes.Buffer, s string, f Form) {
	b.WriteByte('"')
	if f == FormOLPC {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
		b.WriteByte('"')
		return
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
}
