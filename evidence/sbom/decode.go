package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/craudit/craudit/evidence/sbom/sniff"
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
	if sniff.XML(b) {
		doc, err := decodeCycloneDXXML(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return doc, nil
	}
	// Told from the top-level keys (package sniff); when unsure or on any
	// failure, by the probe, whose answers FuzzDecode requires to match.
	var decode func([]byte) (*Document, error)
	switch sniff.JSON(b) {
	case sniff.CycloneDX:
		decode = decodeCycloneDX
	case sniff.SPDX:
		decode = decodeSPDX
	default:
		return decodeProbed(b)
	}
	if doc, err := decode(b); err == nil {
		return doc, nil
	}
	return decodeProbed(b)
}

// decodeProbed is Decode telling the format by decoding the top-level keys.
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
