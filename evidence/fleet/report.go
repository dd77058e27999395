package fleet

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// ReportMagic is the first line of every device report: the format and its
// version.
const ReportMagic = "craudit-device-report v1"

// Bounds of the device report format.
const (
	MaxReportBytes = 8 << 10 // one report, signature line included
	MaxToken       = 256     // one field value
	MaxArtefacts   = 32      // artefact lines in one report
)

// TimeLayout is the one form of the device time: UTC, whole seconds.
const TimeLayout = "2006-01-02T15:04:05Z"

// Artefact is one installed file a device reports: its name, length and
// SHA-256.
type Artefact struct {
	Name   string `json:"name"`
	Length int64  `json:"length"`
	SHA256 string `json:"sha256"`
}

// Report is one device status report, written by the device after an
// update attempt.
type Report struct {
	// Unit and Hardware name the device (registry unit ID, hardware ID).
	Unit     string `json:"unit"`
	Hardware string `json:"hardware"`
	// Version is what the device runs after the attempt; Target the
	// version it tried to install (equal to Version after a success).
	Version   string     `json:"version"`
	Target    string     `json:"target"`
	Artefacts []Artefact `json:"artefacts"`
	Outcome   string     `json:"outcome"`
	// Control names the control that failed (failure, rollback) or
	// refused the attack (refused-attack); empty after a success.
	Control string `json:"control,omitempty"`
	// Counter strictly increases per unit, across every report it writes.
	Counter uint64 `json:"counter"`
	// Time is the device's clock when it wrote the report.
	Time     time.Time `json:"time"`
	Campaign string    `json:"campaign,omitempty"`
}

// Signed is a decoded report with the exact bytes its signature covers.
type Signed struct {
	Report
	// Body is the signed part: every byte before the signature line.
	Body []byte
	// Sig is the Ed25519 signature over Body.
	Sig []byte
}

// Verify checks the signature with a device's Ed25519 public key.
func (s *Signed) Verify(pub ed25519.PublicKey) bool {
	return len(pub) == ed25519.PublicKeySize && len(s.Sig) == ed25519.SignatureSize && ed25519.Verify(pub, s.Body, s.Sig)
}

// MalformedError says why bytes are not a device report. Ingest counts it
// as a malformed report.
type MalformedError struct {
	Line   int
	Reason string
}

func (e *MalformedError) Error() string {
	if e.Line == 0 {
		return "device report: " + e.Reason
	}
	return fmt.Sprintf("device report line %d: %s", e.Line, e.Reason)
}

// ErrMalformed matches every *MalformedError with errors.Is.
var ErrMalformed = errors.New("malformed device report")

// Is makes errors.Is(err, ErrMalformed) true.
func (e *MalformedError) Is(t error) bool { return t == ErrMalformed }

func validOutcome(o string) bool {
	switch o {
	case OutcomeSuccess, OutcomeFailure, OutcomeRollback, OutcomeRefusedAttack:
		return true
	}
	return false
}

// validToken: 1..MaxToken bytes of printable ASCII, no space.
func validToken(s []byte) bool {
	if len(s) == 0 || len(s) > MaxToken {
		return false
	}
	for _, c := range s {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

func validHex64(s []byte) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Validate checks the fields against the format's rules.
func (r *Report) Validate() error {
	bad := func(f string, args ...any) error { return &MalformedError{Reason: fmt.Sprintf(f, args...)} }
	for _, f := range []struct{ name, v string }{{"unit", r.Unit}, {"hardware", r.Hardware}, {"version", r.Version}, {"target", r.Target}} {
		if !validToken([]byte(f.v)) {
			return bad("%s %q: want 1-%d printable ASCII characters without spaces", f.name, f.v, MaxToken)
		}
	}
	if len(r.Artefacts) > MaxArtefacts {
		return bad("%d artefacts, at most %d", len(r.Artefacts), MaxArtefacts)
	}
	for _, a := range r.Artefacts {
		if !validToken([]byte(a.Name)) || a.Length < 0 || !validHex64([]byte(a.SHA256)) {
			return bad("artefact %q: want NAME LENGTH SHA256 (64 lowercase hex digits)", a.Name)
		}
	}
	if !validOutcome(r.Outcome) {
		return bad("outcome %q: want success, failure, rollback or refused-attack", r.Outcome)
	}
	if r.Outcome == OutcomeSuccess && r.Control != "" {
		return bad("control %q after a success", r.Control)
	}
	if r.Outcome == OutcomeRefusedAttack && r.Control == "" {
		return bad("refused-attack without the control that refused it")
	}
	if r.Control != "" && !validToken([]byte(r.Control)) {
		return bad("control %q: not a token", r.Control)
	}
	if r.Outcome == OutcomeSuccess && r.Target != r.Version {
		return bad("success but target %s differs from version %s", r.Target, r.Version)
	}
	if r.Counter == 0 || r.Counter > 1<<63-1 {
		return bad("counter %d: want 1 to 2^63-1", r.Counter)
	}
	if r.Time.IsZero() || r.Time.Year() < 1970 || r.Time.Year() > 9999 || r.Time.Nanosecond() != 0 {
		return bad("time %s: want whole seconds from 1970 to 9999", r.Time)
	}
	if r.Campaign != "" && !validToken([]byte(r.Campaign)) {
		return bad("campaign %q: not a token", r.Campaign)
	}
	return nil
}

// Body is the canonical encoding of the report: the bytes a device signs.
// The same report always encodes to the same bytes.
func (r *Report) Body() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(ReportMagic + "\n")
	b.WriteString("unit " + r.Unit + "\n")
	b.WriteString("hardware " + r.Hardware + "\n")
	b.WriteString("version " + r.Version + "\n")
	b.WriteString("target " + r.Target + "\n")
	for _, a := range r.Artefacts {
		fmt.Fprintf(&b, "artefact %s %d %s\n", a.Name, a.Length, a.SHA256)
	}
	b.WriteString("outcome " + r.Outcome + "\n")
	if r.Control != "" {
		b.WriteString("control " + r.Control + "\n")
	}
	b.WriteString("counter " + strconv.FormatUint(r.Counter, 10) + "\n")
	b.WriteString("time " + r.Time.UTC().Format(TimeLayout) + "\n")
	if r.Campaign != "" {
		b.WriteString("campaign " + r.Campaign + "\n")
	}
	return b.Bytes(), nil
}

// Sign encodes the report and signs it: the complete report file.
func (r *Report) Sign(key ed25519.PrivateKey) ([]byte, error) {
	body, err := r.Body()
	if err != nil {
		return nil, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("device report: not an Ed25519 private key")
	}
	return AppendSignature(body, ed25519.Sign(key, body)), nil
}

// AppendSignature adds the signature line to a body.
func AppendSignature(body, sig []byte) []byte {
	out := make([]byte, 0, len(body)+100)
	out = append(out, body...)
	out = append(out, "ed25519 "...)
	out = base64.StdEncoding.AppendEncode(out, sig)
	return append(out, '\n')
}

// Parse decodes exactly one report; anything after it is an error.
func Parse(b []byte) (*Signed, error) {
	s, n, err := parseOne(b)
	if err != nil {
		return nil, err
	}
	if n != len(b) {
		return nil, &MalformedError{Reason: "bytes after the signature line"}
	}
	return s, nil
}

// parseOne decodes the report at the start of b and returns how many bytes
// it took. The decoder is strict: the lines in their fixed order, single
// spaces, no blank line, no carriage return, every value a token, the
// signature line last. Decoding and re-encoding give the same bytes.
func parseOne(b []byte) (*Signed, int, error) {
	s := &Signed{}
	r := &s.Report
	pos, line := 0, 0
	next := func() ([]byte, error) {
		line++
		i := bytes.IndexByte(b[pos:], '\n')
		if i < 0 {
			if len(b)-pos > MaxReportBytes {
				return nil, &MalformedError{Line: line, Reason: "line too long"}
			}
			return nil, &MalformedError{Line: line, Reason: "unexpected end of report"}
		}
		l := b[pos : pos+i]
		pos += i + 1
		if pos > MaxReportBytes {
			return nil, &MalformedError{Line: line, Reason: fmt.Sprintf("report over %d bytes", MaxReportBytes)}
		}
		return l, nil
	}
	bad := func(f string, a ...any) (*Signed, int, error) {
		return nil, 0, &MalformedError{Line: line, Reason: fmt.Sprintf(f, a...)}
	}
	l, err := next()
	if err != nil {
		return nil, 0, err
	}
	if string(l) != ReportMagic {
		return bad("first line %.40q, want %q", l, ReportMagic)
	}
	field := func(key string, optional bool) ([]byte, bool, error) {
		save, saveLine := pos, line
		l, err := next()
		if err != nil {
			return nil, false, err
		}
		k, v, ok := bytes.Cut(l, []byte{' '})
		if !ok || string(k) != key {
			if optional {
				pos, line = save, saveLine
				return nil, false, nil
			}
			return nil, false, &MalformedError{Line: line, Reason: fmt.Sprintf("want the %s line, got %.40q", key, l)}
		}
		if !validToken(v) {
			return nil, false, &MalformedError{Line: line, Reason: fmt.Sprintf("%s: value %.40q is not 1-%d printable ASCII characters without spaces", key, v, MaxToken)}
		}
		return v, true, nil
	}
	str := func(key string, dst *string) error {
		v, _, err := field(key, false)
		if err == nil {
			*dst = string(v)
		}
		return err
	}
	for _, f := range []struct {
		k string
		d *string
	}{{"unit", &r.Unit}, {"hardware", &r.Hardware}, {"version", &r.Version}, {"target", &r.Target}} {
		if err := str(f.k, f.d); err != nil {
			return nil, 0, err
		}
	}
	for {
		save, saveLine := pos, line
		l, err := next()
		if err != nil {
			return nil, 0, err
		}
		rest, ok := bytes.CutPrefix(l, []byte("artefact "))
		if !ok {
			pos, line = save, saveLine
			break
		}
		if len(r.Artefacts) == MaxArtefacts {
			return bad("more than %d artefacts", MaxArtefacts)
		}
		parts := bytes.Split(rest, []byte{' '})
		if len(parts) != 3 || !validToken(parts[0]) || !validHex64(parts[2]) {
			return bad("artefact: want NAME LENGTH SHA256 (64 lowercase hex digits)")
		}
		n, ok := canonicalUint(parts[1])
		if !ok || n > 1<<62 {
			return bad("artefact length %.40q: not a canonical decimal", parts[1])
		}
		r.Artefacts = append(r.Artefacts, Artefact{Name: string(parts[0]), Length: int64(n), SHA256: string(parts[2])})
	}
	if err := str("outcome", &r.Outcome); err != nil {
		return nil, 0, err
	}
	if v, ok, err := field("control", true); err != nil {
		return nil, 0, err
	} else if ok {
		r.Control = string(v)
	}
	v, _, err := field("counter", false)
	if err != nil {
		return nil, 0, err
	}
	n, ok := canonicalUint(v)
	if !ok {
		return bad("counter %.40q: not a canonical decimal", v)
	}
	r.Counter = n
	if v, _, err = field("time", false); err != nil {
		return nil, 0, err
	}
	t, err := time.Parse(TimeLayout, string(v))
	if err != nil || t.Format(TimeLayout) != string(v) {
		return bad("time %.40q: want %s", v, TimeLayout)
	}
	r.Time = t
	if v, ok, err := field("campaign", true); err != nil {
		return nil, 0, err
	} else if ok {
		r.Campaign = string(v)
	}
	bodyEnd := pos
	if l, err = next(); err != nil {
		return nil, 0, err
	}
	sig, ok := bytes.CutPrefix(l, []byte("ed25519 "))
	if !ok {
		return bad("want the ed25519 signature line, got %.40q", l)
	}
	if base64.StdEncoding.EncodedLen(ed25519.SignatureSize) != len(sig) {
		return bad("signature: want %d base64 characters", base64.StdEncoding.EncodedLen(ed25519.SignatureSize))
	}
	s.Sig = make([]byte, base64.StdEncoding.DecodedLen(len(sig)))
	sn, err := base64.StdEncoding.Strict().Decode(s.Sig, sig)
	if err != nil || sn != ed25519.SignatureSize {
		return bad("signature: not base64 of %d bytes", ed25519.SignatureSize)
	}
	s.Sig = s.Sig[:sn:sn]
	if err := r.Validate(); err != nil {
		var me *MalformedError
		if errors.As(err, &me) {
			me.Line = 0
		}
		return nil, 0, err
	}
	s.Body = b[:bodyEnd:bodyEnd]
	return s, pos, nil
}

// canonicalUint reads a decimal without sign or leading zeros.
func canonicalUint(s []byte) (uint64, bool) {
	if len(s) == 0 || len(s) > 19 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(s), 10, 63)
	return n, err == nil
}

// Decoder reads device reports written back to back (a file of one report
// or of many: each ends with its signature line).
type Decoder struct {
	r    *bufio.Reader
	buf  []byte
	n    int
	done bool
}

// NewDecoder reads reports from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next report, io.EOF after the last one, or a
// *MalformedError. After a malformed report the rest of the stream is not
// read (there is no safe place to resume): Next then returns io.EOF.
func (d *Decoder) Next() (*Signed, error) {
	if d.done {
		return nil, io.EOF
	}
	// Read whole lines until the signature line or the bound.
	d.buf = d.buf[:0]
	for {
		l, err := d.r.ReadSlice('\n')
		if len(d.buf)+len(l) > MaxReportBytes {
			d.done = true
			d.n++
			return nil, &MalformedError{Reason: fmt.Sprintf("report %d: over %d bytes", d.n, MaxReportBytes)}
		}
		d.buf = append(d.buf, l...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			d.done = true
			if len(d.buf) == 0 {
				return nil, io.EOF
			}
			d.n++
			return nil, &MalformedError{Reason: fmt.Sprintf("report %d: unexpected end of file", d.n)}
		}
		if err != nil {
			d.done = true
			return nil, err
		}
		if bytes.HasPrefix(l, []byte("ed25519 ")) {
			break
		}
	}
	d.n++
	own := append([]byte(nil), d.buf...)
	s, err := Parse(own)
	if err != nil {
		d.done = true
		var me *MalformedError
		if errors.As(err, &me) {
			me.Reason = fmt.Sprintf("report %d: %s", d.n, me.Reason)
		}
		return nil, err
	}
	return s, nil
}

// Count is how many reports Next has returned or failed on.
func (d *Decoder) Count() int { return d.n }
