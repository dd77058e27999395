package sniff

import "bytes"

// XML tells XML input (CycloneDX XML) by its first non-blank byte.
func XML(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n\ufeff")
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	return len(b) > 0 && b[0] == '<'
}

// Format is what JSON tells of a document.
type Format int

const (
	// Unsure: take the decoder's own probe.
	Unsure Format = iota
	// CycloneDX: a non-null bomFormat.
	CycloneDX
	// SPDX: a non-null spdxVersion and no bomFormat.
	SPDX
)

// JSON looks at the top-level keys of a JSON object, skipping
// their values without decoding them, the way sbom.Decode's probe
// (decoding the top-level keys with encoding/json) would tell the format: bomFormat (CycloneDX) over spdxVersion (SPDX),
// keys matched without regard to case, the last of duplicate keys winning
// and null meaning absent. It does not validate: the decoder that follows
// does. Whatever it cannot be sure of (an escaped key, a value of those
// keys that is neither a string nor null, @context, a structure it does
// not expect, bytes after the object) is Unsure.
func JSON(b []byte) Format {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return Unsure
	}
	var cdx, spdx bool
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return Unsure
			}
			end := bytes.IndexByte(b[i+1:], '"')
			if end < 0 {
				return Unsure
			}
			key := b[i+1 : i+1+end]
			if bytes.IndexByte(key, '\\') >= 0 {
				return Unsure
			}
			i = skipSpace(b, i+end+2)
			if i >= len(b) || b[i] != ':' {
				return Unsure
			}
			i = skipSpace(b, i+1)
			if i >= len(b) {
				return Unsure
			}
			isCDX, isSPDX := bytes.EqualFold(key, []byte("bomFormat")), bytes.EqualFold(key, []byte("spdxVersion"))
			switch {
			case bytes.EqualFold(key, []byte("@context")):
				return Unsure
			case isCDX || isSPDX:
				present := b[i] == '"'
				if !present && !bytes.HasPrefix(b[i:], []byte("null")) {
					return Unsure
				}
				if isCDX {
					cdx = present
				} else {
					spdx = present
				}
			}
			if i = skipValue(b, i); i < 0 {
				return Unsure
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return Unsure
			}
			if b[i] == '}' {
				i++
				break
			}
			if b[i] != ',' {
				return Unsure
			}
			i = skipSpace(b, i+1)
		}
	}
	if skipSpace(b, i) != len(b) {
		return Unsure
	}
	switch {
	case cdx:
		return CycloneDX
	case spdx:
		return SPDX
	}
	return Unsure
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
