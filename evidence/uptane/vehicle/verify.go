package vehicle

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/uptane"
)

// Deviation IDs: what a report does that the Uptane Standard does not, named
// as a finding without failing the signature (the deployments do this).
const (
	// DevTime1970: a report carries the constant 1970-01-01T00:00:00Z time
	// (aktualizr has no time source).
	DevTime1970 = "time-1970"
	// DevNoReplayProtection: a report has neither a counter or nonce nor a
	// usable time, so an old report can be replayed as new.
	DevNoReplayProtection = "no-replay-protection"
	// DevCounterOnlyInPrimary: the Primary's report carries a counter and
	// another ECU's report does not (aktualizr).
	DevCounterOnlyInPrimary = "counter-only-in-primary"
	// DevPrimaryReportAbsent: no report of the Primary ECU itself.
	DevPrimaryReportAbsent = "primary-report-absent"
	// DevAttacksDetected: an ECU reports an attack.
	DevAttacksDetected = "attacks-detected"
)

// Signature is the outcome of checking one document's signatures.
type Signature struct {
	Verified bool `json:"verified"`
	// KeyIDs are the key IDs with a valid signature; Scheme the key-ID
	// scheme of the first and Form the canonical form it was over.
	KeyIDs []string `json:"key_ids,omitempty"`
	Scheme string   `json:"key_id_scheme,omitempty"`
	Form   string   `json:"canonical_form,omitempty"`
	// FormsIdentical: both canonical forms give the same bytes here, so
	// the document does not tell which one its signer used.
	FormsIdentical bool   `json:"forms_identical,omitempty"`
	Key            string `json:"key,omitempty"` // where the key came from
	Problem        string `json:"problem,omitempty"`
}

// ECU is one verified (or not) ECU version report.
type ECU struct {
	Serial   string `json:"serial"`
	ListedAs string `json:"listed_as,omitempty"`
	Index    int    `json:"index"`
	Primary  bool   `json:"primary"`
	// Latest marks the report that says what the ECU runs now (the last
	// of its ECU in the manifest).
	Latest          bool      `json:"latest"`
	Signature       Signature `json:"signature"`
	Image           Image     `json:"installed_image"`
	Release         string    `json:"release,omitempty"`
	AttacksDetected string    `json:"attacks_detected,omitempty"`
	Counter         string    `json:"report_counter,omitempty"`
	Nonce           bool      `json:"nonce"`
	CounterOrNonce  bool      `json:"counter_or_nonce"`
	Time            string    `json:"timeserver_time,omitempty"`
	Time1970        bool      `json:"time_1970"`
	// NoReplayProtection: neither a counter or nonce nor a usable time.
	NoReplayProtection bool     `json:"no_replay_protection"`
	Problems           []string `json:"problems"`
	Verified           bool     `json:"verified"`
}

// Deviation is one named deviation of a manifest.
type Deviation struct {
	ID      string `json:"id"`
	ECU     string `json:"ecu,omitempty"`
	Message string `json:"message"`
}

// Result is one judged vehicle manifest.
type Result struct {
	File          string         `json:"file"`
	Dialect       uptane.Dialect `json:"dialect"`
	Shape         Shape          `json:"shape"`
	VIN           string         `json:"vin,omitempty"`
	PrimarySerial string         `json:"primary_ecu_serial"`
	// Unit is the name the support join uses: the VIN, else the Primary
	// ECU serial.
	Unit       string      `json:"unit"`
	Signature  Signature   `json:"signature"`
	ECUs       []ECU       `json:"ecus"`
	Deviations []Deviation `json:"deviations"`
	Problems   []string    `json:"problems"`
	// Verified: the Primary's signature and every ECU report's signature
	// verified and no field is wrong.
	Verified bool `json:"verified"`
}

// Verify judges one manifest with the keys of kr at reference time at:
// the Primary's signature by a key acceptable for the Primary ECU serial,
// every report's signature by a key acceptable for its ECU serial, the
// fields, and the replay protection each report carries.
func Verify(m *Manifest, kr *Keyring, at time.Time) *Result {
	res := &Result{File: m.File, Shape: m.Shape, VIN: m.VIN, PrimarySerial: m.PrimarySerial,
		ECUs: []ECU{}, Deviations: []Deviation{}, Problems: append([]string{}, m.Problems...)}
	res.Unit = m.VIN
	if res.Unit == "" {
		res.Unit = m.PrimarySerial
	}
	res.Dialect = dialectOf(m)
	res.Signature = checkSignature(m.Envelope, m.PrimarySerial, kr)
	primarySeen, primaryCounter := false, false
	for _, r := range m.Reports {
		e := verifyReport(r, kr, at)
		e.Primary = e.Serial != "" && e.Serial == m.PrimarySerial
		if e.Primary {
			primarySeen = true
			primaryCounter = primaryCounter || e.Counter != ""
		}
		res.ECUs = append(res.ECUs, e)
	}
	if !primarySeen && m.PrimarySerial != "" {
		res.Deviations = append(res.Deviations, Deviation{ID: DevPrimaryReportAbsent,
			Message: "the manifest carries no version report of the Primary ECU " + m.PrimarySerial})
	}
	for _, e := range res.ECUs {
		if e.Time1970 {
			res.Deviations = append(res.Deviations, Deviation{ID: DevTime1970, ECU: e.Serial,
				Message: "timeserver_time is the constant 1970-01-01T00:00:00Z: the ECU has no time source"})
		}
		if e.NoReplayProtection {
			res.Deviations = append(res.Deviations, Deviation{ID: DevNoReplayProtection, ECU: e.Serial,
				Message: "no counter or nonce and no usable time: an old report can be replayed as new"})
		}
		if primaryCounter && !e.Primary && !e.CounterOrNonce {
			res.Deviations = append(res.Deviations, Deviation{ID: DevCounterOnlyInPrimary, ECU: e.Serial,
				Message: "the Primary's report carries a counter, this ECU's report none"})
		}
		if e.AttacksDetected != "" {
			res.Deviations = append(res.Deviations, Deviation{ID: DevAttacksDetected, ECU: e.Serial,
				Message: "the ECU reports an attack: " + e.AttacksDetected})
		}
	}
	res.Verified = res.Signature.Verified && len(res.Problems) == 0
	for _, e := range res.ECUs {
		res.Verified = res.Verified && e.Verified
	}
	return res
}

func verifyReport(r *ECUReport, kr *Keyring, at time.Time) ECU {
	e := ECU{Serial: r.Serial, ListedAs: r.ListedAs, Index: r.Index, Latest: r.Latest, Image: r.Image,
		AttacksDetected: r.AttacksDetected, Counter: r.Counter, Nonce: r.Nonce, Time: r.Time,
		Problems: append([]string{}, r.Problems...)}
	if e.Image.Hashes == nil {
		e.Image.Hashes = map[string]string{}
	}
	e.CounterOrNonce = r.Counter != "" || r.Nonce
	usableTime := false
	if r.Time != "" {
		t, err := time.Parse(time.RFC3339, r.Time)
		switch {
		case err != nil:
			e.Problems = append(e.Problems, fmt.Sprintf("timeserver_time %q is not RFC 3339", r.Time))
		case t.Unix() == 0:
			e.Time1970 = true
		case !at.IsZero() && t.After(at):
			e.Problems = append(e.Problems, fmt.Sprintf("timeserver_time %s is after the reference time %s", r.Time, at.Format(time.RFC3339)))
		default:
			usableTime = true
		}
	}
	e.NoReplayProtection = !e.CounterOrNonce && !usableTime
	serial := r.Serial
	if serial == "" {
		serial = r.ListedAs
	}
	if r.Envelope == nil {
		e.Signature = Signature{Problem: "not a signed report"}
	} else {
		e.Signature = checkSignature(r.Envelope, serial, kr)
	}
	e.Verified = e.Signature.Verified && len(e.Problems) == 0
	return e
}

// checkSignature verifies env's signatures with the keys acceptable for
// serial: at least one valid signature by such a key, and no signature by
// such a key that does not verify.
func checkSignature(env *uptane.Metadata, serial string, kr *Keyring) Signature {
	cands := kr.For(serial)
	if len(cands) == 0 {
		return Signature{Problem: fmt.Sprintf("no key given for ECU %q", serial)}
	}
	if len(env.Signatures) == 0 {
		return Signature{Problem: "no signatures"}
	}
	keys := map[string]*uptane.Key{}
	role := uptane.Role{Threshold: 1}
	source := map[string]NamedKey{}
	scheme := map[string]uptane.KeyIDScheme{}
	for _, s := range env.Signatures {
		for _, nk := range cands {
			if sc, ok := nk.Key.MatchID(s.KeyID); ok {
				if _, dup := keys[s.KeyID]; !dup {
					keys[s.KeyID] = nk.Key
					role.KeyIDs = append(role.KeyIDs, s.KeyID)
					source[s.KeyID], scheme[s.KeyID] = nk, sc
				}
				break
			}
		}
	}
	if len(keys) == 0 {
		ids := make([]string, 0, len(env.Signatures))
		for _, s := range env.Signatures {
			ids = append(ids, short(s.KeyID))
		}
		return Signature{Problem: fmt.Sprintf("signed by key %s, none of the keys given for ECU %q", strings.Join(ids, ", "), serial)}
	}
	v, err := env.Verify("ECU "+serial, keys, role)
	out := Signature{}
	if v != nil {
		out.KeyIDs, out.Form, out.FormsIdentical = v.KeyIDs, string(v.Form), v.FormsIdentical
		if len(v.KeyIDs) > 0 {
			out.Scheme, out.Key = string(scheme[v.KeyIDs[0]]), source[v.KeyIDs[0]].Source
		}
	}
	var te *uptane.ThresholdError
	switch {
	case errors.As(err, &te):
		out.Problem = "the signature does not verify over the signed part (in either canonical form)"
	case err != nil:
		out.Problem = err.Error()
	case v.Invalid > 0:
		out.Problem = fmt.Sprintf("%d signature(s) by a given key do not verify", v.Invalid)
	default:
		out.Verified = true
	}
	return out
}

// dialectOf names the manifest's dialect from its signatures: hex is the
// TUF 1.0 dialect of the reference implementation, base64 OTA Connect's.
func dialectOf(m *Manifest) uptane.Dialect {
	for _, s := range m.Envelope.Signatures {
		if _, err := hex.DecodeString(s.Sig); err != nil {
			return uptane.DialectOTA
		}
	}
	if len(m.Envelope.Signatures) == 0 {
		return ""
	}
	return uptane.DialectTUF
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}
