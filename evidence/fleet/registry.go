package fleet

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// MaxRegistryBytes bounds a device registry file (about 1.5 million
// devices in CSV).
const MaxRegistryBytes = 256 << 20

// RegistrySchema names the JSON form of the device registry.
const RegistrySchema = "craudit.fleet-devices/v1"

// RegistryHeader is the CSV form's required first line.
var RegistryHeader = []string{"unit", "hardware", "batch", "public_key"}

// Device is one registered unit.
type Device struct {
	Unit     string `json:"unit"`
	Hardware string `json:"hardware"`
	Batch    string `json:"batch,omitempty"`
	// PublicKey is the key text as registered: "ed25519:" and the base64
	// of the raw 32-byte key (craudit device reports), or "spki:" and the
	// base64 of a DER SubjectPublicKeyInfo (an Uptane Primary's Ed25519,
	// ECDSA P-256 or RSA key).
	PublicKey string `json:"public_key"`
	// Ed25519 is the decoded key when it is an Ed25519 key (either form).
	Ed25519 ed25519.PublicKey `json:"-"`
	// PEM is the key as a PEM SubjectPublicKeyInfo (for Uptane manifests).
	PEM []byte `json:"-"`
	// Line is the CSV line or JSON entry index the device comes from.
	Line int `json:"-"`
}

// Registry is the device registry: unit ID -> device.
type Registry struct {
	File    string
	devices map[string]*Device
}

// Lookup returns a unit's device entry.
func (r *Registry) Lookup(unit string) (*Device, bool) {
	if r == nil {
		return nil, false
	}
	d, ok := r.devices[unit]
	return d, ok
}

// Len is the number of registered units.
func (r *Registry) Len() int {
	if r == nil {
		return 0
	}
	return len(r.devices)
}

// Devices returns every device, sorted by unit.
func (r *Registry) Devices() []*Device {
	if r == nil {
		return nil
	}
	out := make([]*Device, 0, len(r.devices))
	for _, d := range r.devices {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out
}

// RegistryError names the file and the line (CSV) or entry (JSON) a
// registry is wrong at.
type RegistryError struct {
	File   string
	Line   int
	Entry  int // JSON: devices[Entry]; -1 when not about an entry
	Reason string
}

func (e *RegistryError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Reason)
	case e.Entry >= 0:
		return fmt.Sprintf("%s: devices[%d]: %s", e.File, e.Entry, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// NewRegistry builds a registry from devices (checked as a file's are).
func NewRegistry(name string, devs []Device) (*Registry, error) {
	r := &Registry{File: name, devices: make(map[string]*Device, len(devs))}
	for i := range devs {
		d := devs[i]
		if d.Line == 0 {
			d.Line = i + 1
		}
		if err := r.add(&d, &RegistryError{File: name, Entry: -1, Line: d.Line}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Registry) add(d *Device, where *RegistryError) error {
	fail := func(f string, a ...any) error {
		e := *where
		e.Reason = fmt.Sprintf(f, a...)
		return &e
	}
	if !validToken([]byte(d.Unit)) {
		return fail("unit %q: want 1-%d printable ASCII characters without spaces", d.Unit, MaxToken)
	}
	if !validToken([]byte(d.Hardware)) {
		return fail("hardware %q: want 1-%d printable ASCII characters without spaces", d.Hardware, MaxToken)
	}
	if d.Batch != "" && !validToken([]byte(d.Batch)) {
		return fail("batch %q: not a token", d.Batch)
	}
	if err := d.decodeKey(); err != nil {
		return fail("public_key: %v", err)
	}
	if prev, dup := r.devices[d.Unit]; dup {
		return fail("unit %q registered twice (first at %d)", d.Unit, prev.Line)
	}
	r.devices[d.Unit] = d
	return nil
}

func (d *Device) decodeKey() error {
	kind, b64, ok := strings.Cut(d.PublicKey, ":")
	if !ok {
		return errors.New("want ed25519:BASE64 or spki:BASE64")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		return errors.New("not base64")
	}
	switch kind {
	case "ed25519":
		if len(raw) != ed25519.PublicKeySize {
			return fmt.Errorf("%d bytes, an Ed25519 key has %d", len(raw), ed25519.PublicKeySize)
		}
		d.Ed25519 = ed25519.PublicKey(raw)
		der, err := x509.MarshalPKIXPublicKey(d.Ed25519)
		if err != nil {
			return err
		}
		d.PEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	case "spki":
		pub, err := x509.ParsePKIXPublicKey(raw)
		if err != nil {
			return fmt.Errorf("not a SubjectPublicKeyInfo: %v", err)
		}
		if k, ok := pub.(ed25519.PublicKey); ok {
			d.Ed25519 = k
		}
		d.PEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: raw})
	default:
		return fmt.Errorf("key kind %q, want ed25519 or spki", kind)
	}
	return nil
}

// EncodeEd25519 is the registry's text of an Ed25519 public key.
func EncodeEd25519(pub ed25519.PublicKey) string {
	return "ed25519:" + base64.StdEncoding.EncodeToString(pub)
}

// LoadRegistry reads a device registry file (bounded): JSON when it starts
// with "{", CSV otherwise.
func LoadRegistry(path string) (*Registry, error) {
	b, err := atomicfs.ReadFile(path, MaxRegistryBytes)
	if err != nil {
		return nil, err
	}
	return ParseRegistry(path, b)
}

// ParseRegistry reads a registry strictly. CSV: the header
// unit,hardware,batch,public_key then one device a line; blank lines and
// lines starting with # are skipped. JSON: {"schema":
// "craudit.fleet-devices/v1", "devices": [{"unit", "hardware", "batch",
// "public_key"}]}, unknown fields refused. A unit registered twice, an empty
// unit or hardware ID or an unreadable key is an error naming the line.
func ParseRegistry(name string, b []byte) (*Registry, error) {
	if !utf8.Valid(b) {
		return nil, &RegistryError{File: name, Entry: -1, Reason: "not UTF-8 text"}
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return parseRegistryJSON(name, b)
	}
	return parseRegistryCSV(name, b)
}

func parseRegistryCSV(name string, b []byte) (*Registry, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	reg := &Registry{File: name, devices: map[string]*Device{}}
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &RegistryError{File: name, Line: pe.Line, Entry: -1, Reason: pe.Err.Error()}
			}
			return nil, &RegistryError{File: name, Entry: -1, Reason: err.Error()}
		}
		line, _ := cr.FieldPos(0)
		where := &RegistryError{File: name, Line: line, Entry: -1}
		if len(rec) != len(RegistryHeader) {
			where.Reason = fmt.Sprintf("%d fields, want %d (%s)", len(rec), len(RegistryHeader), strings.Join(RegistryHeader, ","))
			return nil, where
		}
		if header {
			for i, h := range RegistryHeader {
				if strings.TrimSpace(rec[i]) != h {
					where.Reason = fmt.Sprintf("header %q, want %s", strings.Join(rec, ","), strings.Join(RegistryHeader, ","))
					return nil, where
				}
			}
			header = false
			continue
		}
		d := &Device{Unit: strings.TrimSpace(rec[0]), Hardware: strings.TrimSpace(rec[1]),
			Batch: strings.TrimSpace(rec[2]), PublicKey: strings.TrimSpace(rec[3]), Line: line}
		if err := reg.add(d, where); err != nil {
			return nil, err
		}
	}
	if header {
		return nil, &RegistryError{File: name, Entry: -1, Reason: "empty file: want the header " + strings.Join(RegistryHeader, ",")}
	}
	return reg, nil
}

func parseRegistryJSON(name string, b []byte) (*Registry, error) {
	var doc struct {
		Schema  string   `json:"schema"`
		Devices []Device `json:"devices"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, &RegistryError{File: name, Line: lineOf(b, dec.InputOffset()), Entry: -1, Reason: err.Error()}
	}
	if dec.More() {
		return nil, &RegistryError{File: name, Entry: -1, Reason: "data after the JSON document"}
	}
	if doc.Schema != RegistrySchema {
		return nil, &RegistryError{File: name, Entry: -1, Reason: fmt.Sprintf("schema %q, want %s", doc.Schema, RegistrySchema)}
	}
	reg := &Registry{File: name, devices: make(map[string]*Device, len(doc.Devices))}
	for i := range doc.Devices {
		d := &doc.Devices[i]
		d.Line = i
		if err := reg.add(d, &RegistryError{File: name, Entry: i}); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

func lineOf(b []byte, off int64) int {
	if off < 0 || off > int64(len(b)) {
		return 0
	}
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}
