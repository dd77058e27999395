package vehicle

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/uptane"
)

// MaxManifestBytes bounds one vehicle manifest file.
const MaxManifestBytes = 16 << 20

// Shape is how a vehicle manifest carries its ECU reports.
type Shape string

const (
	// ShapeMap: "ecu_version_manifests": {SERIAL: report} (OTA Connect).
	ShapeMap Shape = "ecu_version_manifests"
	// ShapeMapOfLists: "ecu_version_manifests": {SERIAL: [report, ...]}
	// (the reference implementation: every report received since the last
	// manifest).
	ShapeMapOfLists Shape = "ecu_version_manifests/lists"
	// ShapeList: "ecu_version_manifest": [report, ...] (the legacy list of
	// early OTA Connect).
	ShapeList Shape = "ecu_version_manifest"
)

// ErrUnreadable marks a file that is not a signed document at all (exit 2).
var ErrUnreadable = errors.New("not a signed vehicle manifest")

// UnreadableError names the file that could not be read as a manifest.
type UnreadableError struct {
	File string
	Err  error
}

func (e *UnreadableError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *UnreadableError) Unwrap() error { return e.Err }
func (e *UnreadableError) Is(t error) bool {
	return t == ErrUnreadable
}

// Manifest is one vehicle version manifest as read: the Primary's signed
// envelope and the ECU reports inside it. Problems lists every field that is
// missing or of the wrong kind; they make the manifest fail Verify.
type Manifest struct {
	File          string
	Envelope      *uptane.Metadata
	Shape         Shape
	VIN           string
	PrimarySerial string
	Reports       []*ECUReport
	Problems      []string
}

// ECUReport is one ECU version report.
type ECUReport struct {
	// ListedAs is the serial the vehicle manifest files the report under
	// (empty in the list shape); Index its position in that list.
	ListedAs string
	Index    int
	// Latest marks the last report of its ECU in the manifest (the one
	// that says what the ECU runs now).
	Latest   bool
	Envelope *uptane.Metadata
	Serial   string
	Image    Image
	// AttacksDetected is the report's attacks_detected text ("" = none).
	AttacksDetected string
	// Time and PreviousTime are timeserver_time and
	// previous_timeserver_time as written.
	Time, PreviousTime string
	// Counter is report_counter (aktualizr's Primary writes one); Nonce
	// says a nonce field is present.
	Counter  string
	Nonce    bool
	Problems []string
}

// Image is the installed image a report names.
type Image struct {
	Path   string            `json:"path"`
	Length int64             `json:"length"`
	Hashes map[string]string `json:"hashes"`
}

// Load reads one manifest file (bounded) and parses it.
func Load(path string) (*Manifest, error) {
	b, err := atomicfs.ReadFile(path, MaxManifestBytes)
	if err != nil {
		return nil, &UnreadableError{File: path, Err: err}
	}
	return Parse(path, b)
}

// vehicleSigned is the signed part of a vehicle manifest, fields kept raw
// so that each wrong one is named.
type vehicleSigned struct {
	VIN           json.RawMessage `json:"vin"`
	PrimarySerial json.RawMessage `json:"primary_ecu_serial"`
	Map           json.RawMessage `json:"ecu_version_manifests"`
	List          json.RawMessage `json:"ecu_version_manifest"`
}

type reportSigned struct {
	Serial          json.RawMessage `json:"ecu_serial"`
	Image           json.RawMessage `json:"installed_image"`
	Attacks         json.RawMessage `json:"attacks_detected"`
	Time            json.RawMessage `json:"timeserver_time"`
	PreviousTime    json.RawMessage `json:"previous_timeserver_time"`
	Counter         json.RawMessage `json:"report_counter"`
	Nonce           json.RawMessage `json:"nonce"`
	Nonces          json.RawMessage `json:"nonces"`
	NonceTimeserver json.RawMessage `json:"nonce_for_timeserver"`
}

// Parse reads a vehicle manifest. It returns an *UnreadableError only when
// raw is not a signed JSON document at all; anything wrong inside is a
// Problem of the manifest or of a report.
func Parse(name string, raw []byte) (*Manifest, error) {
	env, err := uptane.Decode(raw)
	if err != nil {
		return nil, &UnreadableError{File: name, Err: err}
	}
	if err := noDuplicateKeys(raw); err != nil {
		return nil, &UnreadableError{File: name, Err: err}
	}
	m := &Manifest{File: name, Envelope: env}
	var vs vehicleSigned
	if err := json.Unmarshal(env.Signed, &vs); err != nil {
		return nil, &UnreadableError{File: name, Err: err}
	}
	m.VIN = m.str(vs.VIN, "vin", false)
	m.PrimarySerial = m.str(vs.PrimarySerial, "primary_ecu_serial", true)
	switch {
	case present(vs.Map) && present(vs.List):
		m.problem("both ecu_version_manifests and ecu_version_manifest")
	case present(vs.Map):
		m.parseMap(vs.Map)
	case present(vs.List):
		m.Shape = ShapeList
		m.parseList("ecu_version_manifest", "", vs.List)
	default:
		m.problem("no ecu_version_manifests (or legacy ecu_version_manifest)")
	}
	m.markLatest()
	return m, nil
}

func present(r json.RawMessage) bool { return len(r) > 0 && string(r) != "null" }

func (m *Manifest) problem(format string, a ...any) {
	m.Problems = append(m.Problems, fmt.Sprintf(format, a...))
}

// str reads a string field; a missing required or non-string one is a problem.
func (m *Manifest) str(r json.RawMessage, field string, required bool) string {
	s, msg := stringField(r, field, required)
	if msg != "" {
		m.problem("%s", msg)
	}
	return s
}

func stringField(r json.RawMessage, field string, required bool) (string, string) {
	if !present(r) {
		if required {
			return "", field + " is missing"
		}
		return "", ""
	}
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", field + " is not a string"
	}
	if required && strings.TrimSpace(s) == "" {
		return "", field + " is empty"
	}
	return s, ""
}

func (m *Manifest) parseMap(raw json.RawMessage) {
	var byECU map[string]json.RawMessage
	if err := json.Unmarshal(raw, &byECU); err != nil {
		m.problem("ecu_version_manifests is not an object")
		return
	}
	serials := make([]string, 0, len(byECU))
	for s := range byECU {
		serials = append(serials, s)
	}
	sort.Strings(serials)
	m.Shape = ShapeMap
	lists := 0
	for _, s := range serials {
		v := bytes.TrimSpace(byECU[s])
		if len(v) > 0 && v[0] == '[' {
			lists++
			m.parseList("ecu_version_manifests["+s+"]", s, v)
			continue
		}
		m.Reports = append(m.Reports, parseReport("ecu_version_manifests["+s+"]", s, 0, v))
	}
	if lists > 0 {
		m.Shape = ShapeMapOfLists
		if lists != len(serials) {
			m.problem("ecu_version_manifests mixes lists and single reports")
		}
	}
}

func (m *Manifest) parseList(where, listedAs string, raw json.RawMessage) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		m.problem("%s is not a list", where)
		return
	}
	if len(items) == 0 && listedAs != "" {
		m.problem("%s is an empty list", where)
	}
	for i, it := range items {
		m.Reports = append(m.Reports, parseReport(fmt.Sprintf("%s[%d]", where, i), listedAs, i, it))
	}
}

// markLatest marks the last report of every ECU, and names a serial that two
// lists or list entries claim in the list shape.
func (m *Manifest) markLatest() {
	last := map[string]*ECUReport{}
	for _, r := range m.Reports {
		key := r.Serial
		if r.ListedAs != "" {
			key = r.ListedAs
		}
		if key == "" {
			continue
		}
		if prev, dup := last[key]; dup && m.Shape == ShapeList {
			r.Problems = append(r.Problems, fmt.Sprintf("ECU %s reported twice (entries %d and %d)", key, prev.Index, r.Index))
		}
		last[key] = r
	}
	for _, r := range last {
		r.Latest = true
	}
}

func parseReport(where, listedAs string, index int, raw json.RawMessage) *ECUReport {
	r := &ECUReport{ListedAs: listedAs, Index: index}
	env, err := uptane.Decode(raw)
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("%s: not a signed report: %v", where, err))
		return r
	}
	r.Envelope = env
	var s reportSigned
	if err := json.Unmarshal(env.Signed, &s); err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("%s: %v", where, err))
		return r
	}
	p := func(msg string) {
		if msg != "" {
			r.Problems = append(r.Problems, msg)
		}
	}
	var msg string
	r.Serial, msg = stringField(s.Serial, "ecu_serial", true)
	p(msg)
	if listedAs != "" && r.Serial != "" && r.Serial != listedAs {
		p(fmt.Sprintf("ecu_serial %q but filed under %q", r.Serial, listedAs))
	}
	r.AttacksDetected, msg = stringField(s.Attacks, "attacks_detected", false)
	p(msg)
	r.Time, msg = stringField(s.Time, "timeserver_time", false)
	p(msg)
	r.PreviousTime, msg = stringField(s.PreviousTime, "previous_timeserver_time", false)
	p(msg)
	if present(s.Counter) {
		var c any
		_ = json.Unmarshal(s.Counter, &c)
		switch v := c.(type) {
		case string:
			r.Counter = v
		case float64:
			r.Counter = string(bytes.TrimSpace(s.Counter))
		default:
			p("report_counter is neither a string nor a number")
		}
	}
	r.Nonce = present(s.Nonce) || present(s.Nonces) || present(s.NonceTimeserver)
	r.Image = parseImage(s.Image, p)
	return r
}

func parseImage(raw json.RawMessage, p func(string)) Image {
	var img Image
	if !present(raw) {
		p("installed_image is missing")
		return img
	}
	var ii struct {
		Path     json.RawMessage `json:"filepath"`
		FileInfo *struct {
			Length json.RawMessage            `json:"length"`
			Hashes map[string]json.RawMessage `json:"hashes"`
		} `json:"fileinfo"`
	}
	if err := json.Unmarshal(raw, &ii); err != nil {
		p("installed_image is not an object with filepath and fileinfo")
		return img
	}
	var msg string
	img.Path, msg = stringField(ii.Path, "installed_image.filepath", true)
	p(msg)
	if ii.FileInfo == nil {
		p("installed_image.fileinfo is missing")
		return img
	}
	if !present(ii.FileInfo.Length) {
		p("installed_image.fileinfo.length is missing")
	} else if err := json.Unmarshal(ii.FileInfo.Length, &img.Length); err != nil || img.Length < 0 {
		p("installed_image.fileinfo.length is not a non-negative integer")
	}
	if len(ii.FileInfo.Hashes) == 0 {
		p("installed_image.fileinfo.hashes is empty")
	}
	img.Hashes = map[string]string{}
	for alg, v := range ii.FileInfo.Hashes {
		var h string
		if err := json.Unmarshal(v, &h); err != nil {
			p(fmt.Sprintf("installed_image hash %s is not a string", alg))
			continue
		}
		if _, err := hex.DecodeString(h); err != nil || h == "" {
			p(fmt.Sprintf("installed_image hash %s is not hex", alg))
			continue
		}
		img.Hashes[strings.ToLower(alg)] = strings.ToLower(h)
	}
	return img
}

// noDuplicateKeys refuses a document with an object key given twice: JSON
// decoders disagree on which one counts, and a signature must cover exactly
// what is read.
func noDuplicateKeys(raw []byte) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // next string token is a key
	}
	var stack []*frame
	for {
		t, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if s, ok := t.(string); ok {
				if top.keys[s] {
					return fmt.Errorf("%w: key %q appears twice in one object", uptane.ErrMalformed, s)
				}
				top.keys[s] = true
				top.key = false
				continue
			}
		}
		switch t {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].key = true
		}
	}
}
