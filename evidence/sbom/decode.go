package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxSize bounds an SBOM file read into memory.
const MaxSize = 512 << 20

// ErrUnreadable is wrapped by every error that means "this is not an SBOM
// craudit can read" (not JSON, truncated, unknown format).
var ErrUnreadable = errors.New("unreadable SBOM")

// Decode reads a CycloneDX SBOM (JSON 1.2 and later, XML) or an SPDX SBOM
// (JSON 2.2 and 2.3, JSON-LD 3.0). The format is told from the content, not
// the file name.
func Decode(b []byte) (*Document, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrUnreadable, MaxSize)
	}
	if isXML(b) {
		doc, err := decodeCycloneDXXML(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return doc, nil
	}
	// The format is told from the top-level keys without decoding the
	// document (a 10,000-component SBOM: two of its four passes over the
	// bytes were the probe below). Anything the quick look is unsure of,
	// and every failure, takes the probe, whose answers and messages it
	// must match (FuzzDecode compares the two).
	var doc *Document
	var err error
	switch topLevelFormat(b) {
	case formatCycloneDX:
		doc, err = decodeCycloneDX(b)
	case formatSPDX:
		doc, err = decodeSPDX(b)
	default:
		return decodeProbed(b)
	}
	if err != nil {
		return decodeProbed(b)
	}
	return doc, nil
}

// decodeProbed is Decode telling the format by decoding the document's
// top-level keys with encoding/json.
func decodeProbed(b []byte) (*Document, error) {
	var probe struct {
		BOMFormat   *string         `json:"bomFormat"`
		SPDXVersion *string         `json:"spdxVersion"`
		Context     json.RawMessage `json:"@context"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&probe); err != nil {
		return nil, fmt.Errorf("%w: not JSON (%s)", ErrUnreadable, jsonErr(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the JSON document", ErrUnreadable)
	}
	var (
		doc *Document
		err error
	)
	switch {
	case probe.BOMFormat != nil:
		doc, err = decodeCycloneDX(b)
	case probe.SPDXVersion != nil:
		doc, err = decodeSPDX(b)
	case isSPDX3(probe.Context):
		doc, err = decodeSPDX3(b)
	default:
		return nil, fmt.Errorf("%w: neither CycloneDX (bomFormat, or XML) nor SPDX (spdxVersion, or SPDX 3 JSON-LD @context)", ErrUnreadable)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	return doc, nil
}

// format is what topLevelFormat tells of a document.
type format int

const (
	formatUnsure format = iota
	formatCycloneDX
	formatSPDX
)

// topLevelFormat looks at the top-level keys of a JSON object, skipping
// their values without decoding them, the way the probe of decodeProbed
// would tell the format: bomFormat (CycloneDX) over spdxVersion (SPDX),
// keys matched without regard to case, the last of duplicate keys winning
// and null meaning absent. It does not validate: the decoder that follows
// does. Whatever it cannot be sure of (an escaped key, a value of those
// keys that is neither a string nor null, @context, a structure it does
// not expect, bytes after the object) is formatUnsure.
func topLevelFormat(b []byte) format {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return formatUnsure
	}
	var cdx, spdx bool
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return formatUnsure
			}
			end := bytes.IndexByte(b[i+1:], '"')
			if end < 0 {
				return formatUnsure
			}
			key := b[i+1 : i+1+end]
			if bytes.IndexByte(key, '\\') >= 0 {
				return formatUnsure
			}
			i = skipSpace(b, i+end+2)
			if i >= len(b) || b[i] != ':' {
				return formatUnsure
			}
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return formatUnsure
			}
			isCDX, isSPDX := bytes.EqualFold(key, []byte("bomFormat")), bytes.EqualFold(key, []byte("spdxVersion"))
			switch {
			case bytes.EqualFold(key, []byte("@context")):
				return formatUnsure
			case isCDX || isSPDX:
				present := b[i] == '"'
				if !present && !bytes.HasPrefix(b[i:], []byte("null")) {
					return formatUnsure
				}
				if isCDX {
					cdx = present
				} else {
					spdx = present
				}
			}
			if i = skipValue(b, i); i < 0 {
				return formatUnsure
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return formatUnsure
			}
			if b[i] == '}' {
				i++
				break
			}
			if b[i] != ',' {
				return formatUnsure
			}
			i = skipSpace(b, i+1)
		}
	}
	if skipSpace(b, i) != len(b) {
		return formatUnsure
	}
	switch {
	case cdx:
		return formatCycloneDX
	case spdx:
		return formatSPDX
	}
	return formatUnsure
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just after the JSON value starting at i
// (strings and nesting followed, nothing validated), -1 when it does not end.
func skipValue(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		c := b[i]
		switch c {
		case '"':
			i++
			for i < len(b) && b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(b) {
				return -1
			}
			i++
		case '{', '[':
			depth++
			i++
		case '}', ']':
			if depth == 0 {
				return i // a scalar ended by its container
			}
			depth--
			i++
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
			i++
		default:
			i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return i
		}
	}
	if depth == 0 {
		return i
	}
	return -1
}

func jsonErr(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "truncated or empty"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return err.Error()
}

// ReadFile reads and decodes an SBOM file; errors name the file.
func ReadFile(path string) (*Document, []byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	doc, err := Decode(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, b, nil
}
