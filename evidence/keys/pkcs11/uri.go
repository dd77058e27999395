package pkcs11

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Scheme is the prefix that marks a PKCS#11 URI.
const Scheme = "pkcs11:"

// maxURI bounds a URI: a real one is a few hundred bytes.
const maxURI = 4096

// URI is an RFC 7512 PKCS#11 URI that names one private key. Empty fields
// do not constrain the search.
type URI struct {
	// Token attributes (path).
	Token, Manufacturer, Model, Serial string
	// SlotID, when HasSlotID, names the slot.
	SlotID    uint
	HasSlotID bool
	// Object attributes (path): the key's CKA_LABEL and CKA_ID.
	Object string
	ID     []byte
	HasID  bool
	// Query attributes.
	ModulePath          string
	PINValue, PINSource string
	HasPINValue         bool
}

// URIError says what is wrong with a URI; it never quotes a PIN.
type URIError struct{ Detail string }

func (e *URIError) Error() string { return "pkcs11 URI: " + e.Detail }

func uriErr(format string, a ...any) error { return &URIError{Detail: fmt.Sprintf(format, a...)} }

// IsURI reports whether s is meant as a PKCS#11 URI.
func IsURI(s string) bool { return strings.HasPrefix(strings.ToLower(s), Scheme) }

// ParseURI parses an RFC 7512 URI. Attributes it does not know are refused
// (a constraint silently ignored could select another key), except
// vendor attributes ("x-..."), which are ignored as the RFC allows.
// A key is always a private key: type, when given, must be "private".
func ParseURI(s string) (*URI, error) {
	if !IsURI(s) {
		return nil, uriErr("does not start with %q", Scheme)
	}
	if len(s) > maxURI {
		return nil, uriErr("longer than %d bytes", maxURI)
	}
	rest := s[len(Scheme):]
	path, query, _ := strings.Cut(rest, "?")
	u := &URI{}
	seen := map[string]bool{}
	for _, part := range splitNonEmpty(path, ";") {
		name, val, err := attr(part)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, uriErr("attribute %q given twice", name)
		}
		seen[name] = true
		switch name {
		case "token":
			u.Token = val
		case "manufacturer":
			u.Manufacturer = val
		case "model":
			u.Model = val
		case "serial":
			u.Serial = val
		case "object":
			u.Object = val
		case "id":
			u.ID, u.HasID = []byte(val), true
		case "slot-id":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil {
				return nil, uriErr("slot-id %q is not a number", val)
			}
			u.SlotID, u.HasSlotID = uint(n), true
		case "type":
			if val != "private" {
				return nil, uriErr("type=%s: a signing key is type=private", val)
			}
		default:
			if !strings.HasPrefix(name, "x-") {
				return nil, uriErr("path attribute %q is not supported", name)
			}
		}
	}
	for _, part := range splitNonEmpty(query, "&") {
		name, val, err := attr(part)
		if err != nil {
			return nil, err
		}
		if seen["?"+name] {
			return nil, uriErr("query attribute %q given twice", name)
		}
		seen["?"+name] = true
		switch name {
		case "module-path":
			u.ModulePath = val
		case "module-name":
			return nil, uriErr("module-name is not supported: give module-path, the library's file")
		case "pin-value":
			u.PINValue, u.HasPINValue = val, true
		case "pin-source":
			u.PINSource = val
		default:
			if !strings.HasPrefix(name, "x-") {
				return nil, uriErr("query attribute %q is not supported", name)
			}
		}
	}
	if u.HasPINValue && u.PINSource != "" {
		return nil, uriErr("pin-value and pin-source are both given")
	}
	if u.ModulePath == "" {
		return nil, uriErr("module-path (the token's PKCS#11 library) is required")
	}
	if u.Object == "" && !u.HasID {
		return nil, uriErr("object= or id= is required to name the key")
	}
	return u, nil
}

func splitNonEmpty(s, sep string) []string {
	return slices.DeleteFunc(strings.Split(s, sep), func(p string) bool { return p == "" })
}

func attr(part string) (name, val string, err error) {
	name, raw, ok := strings.Cut(part, "=")
	if !ok || name == "" {
		return "", "", uriErr("attribute %q is not name=value", redactPart(part))
	}
	val, err = url.PathUnescape(raw)
	if err != nil {
		return "", "", uriErr("attribute %q: bad percent-encoding", name)
	}
	return strings.ToLower(name), val, nil
}

// redactPart hides what might be a PIN in an error message.
func redactPart(p string) string {
	if strings.HasPrefix(strings.ToLower(p), "pin-value") {
		return "pin-value=…"
	}
	return p
}

// String is the URI with any pin-value hidden: safe for messages and logs.
func (u *URI) String() string {
	var path []string
	add := func(list *[]string, k, v string) {
		if v != "" {
			*list = append(*list, k+"="+escape(v, list != &path))
		}
	}
	add(&path, "token", u.Token)
	add(&path, "manufacturer", u.Manufacturer)
	add(&path, "model", u.Model)
	add(&path, "serial", u.Serial)
	if u.HasSlotID {
		path = append(path, "slot-id="+strconv.FormatUint(uint64(u.SlotID), 10))
	}
	add(&path, "object", u.Object)
	if u.HasID {
		path = append(path, "id="+pctAll(u.ID))
	}
	var q []string
	add(&q, "module-path", u.ModulePath)
	add(&q, "pin-source", u.PINSource)
	if u.HasPINValue {
		q = append(q, "pin-value=REDACTED")
	}
	s := Scheme + strings.Join(path, ";")
	if len(q) > 0 {
		s += "?" + strings.Join(q, "&")
	}
	return s
}

// escape percent-encodes all but RFC 3986's unreserved characters, and
// keeps "/" and ":" in query values (RFC 7512 allows them there), so that
// a module path stays readable.
func escape(v string, query bool) string {
	var sb strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~',
			query && (c == '/' || c == ':'):
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

func pctAll(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		fmt.Fprintf(&sb, "%%%02x", c)
	}
	return sb.String()
}

// ErrNoPIN is returned when a token needs a PIN and neither the URI nor the
// caller supplies one.
var ErrNoPIN = errors.New("the token needs a PIN: give pin-value or pin-source in the URI, or a passphrase source")

// maxPINFile bounds a pin-source file.
const maxPINFile = 4096

// PIN returns the PIN the URI carries (pin-value, or the first line of the
// pin-source file), or what fallback returns when it carries none.
func (u *URI) PIN(fallback func() ([]byte, error)) ([]byte, error) {
	switch {
	case u.HasPINValue:
		return []byte(u.PINValue), nil
	case u.PINSource != "":
		p := u.PINSource
		if strings.HasPrefix(p, "file:") {
			fu, err := url.Parse(p)
			if err != nil || fu.Path == "" {
				return nil, uriErr("pin-source %q is not a file: URI", p)
			}
			p = fu.Path
		} else if strings.HasPrefix(p, "|") || strings.Contains(p, "://") {
			return nil, uriErr("pin-source %q: only a file is supported", p)
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("pin-source: %w", err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxPINFile+1))
		if err != nil {
			return nil, fmt.Errorf("pin-source: %w", err)
		}
		if len(b) > maxPINFile {
			return nil, uriErr("pin-source %s is larger than %d bytes", p, maxPINFile)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return []byte(strings.TrimSuffix(line, "\r")), nil
	case fallback != nil:
		return fallback()
	}
	return nil, ErrNoPIN
}
