package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// MaxStatusSize bounds a Status document. Unit lists are complete, so the
// bound leaves room for some millions of listed unit IDs.
const MaxStatusSize = 256 << 20

// maxIDLen bounds a unit, release or campaign ID.
const maxIDLen = 256

// StatusError says why bytes are not a usable Status document.
type StatusError struct{ Reason string }

func (e *StatusError) Error() string { return "fleet status: " + e.Reason }

func statusErr(format string, a ...any) error { return &StatusError{fmt.Sprintf(format, a...)} }

// ParseStatus decodes a Status document strictly: unknown fields, a second
// JSON value, another schema, unsorted or repeated list entries and counts
// that do not add up are refused. The invariants it holds a snapshot to:
//
//   - 0 <= reporting <= units; the release units add up to reporting (each
//     reporting unit runs the release of its latest accepted report);
//   - per release and campaign, the outcome counts add up to attempts;
//   - in_support + len(past_support) + len(unknown_start) <= units (the
//     rest are units whose support end was not judged), the two lists
//     disjoint; with a support problem, none in or past support;
//   - open_vulnerability_units and unjudged_units agree with the releases;
//   - len(silent_units) <= units; silent_days >= 1;
//   - a release not judged (no bundle given) lists no open vulnerability;
//   - every list sorted (campaigns by ID, then release), without repeats
//     or empty entries.
func ParseStatus(b []byte) (*Status, error) {
	if len(b) > MaxStatusSize {
		return nil, statusErr("%d bytes, over the %d-byte bound", len(b), MaxStatusSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Status
	if err := dec.Decode(&s); err != nil {
		return nil, statusErr("not a %s document: %v", StatusSchema, err)
	}
	if dec.More() {
		return nil, statusErr("trailing data after the document")
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return &s, nil
}

func (s *Status) check() error {
	if s.Schema != StatusSchema {
		return statusErr("schema %q, want %q", s.Schema, StatusSchema)
	}
	if s.ReferenceTime.IsZero() {
		return statusErr("no reference_time")
	}
	if err := checkID("product", s.Product); err != nil {
		return err
	}
	if s.Store != "sqlite" && s.Store != "postgres" {
		return statusErr("store %q, want sqlite or postgres", s.Store)
	}
	if s.Units < 0 || s.Reporting < 0 || s.Reporting > s.Units {
		return statusErr("reporting %d of %d units: want 0 <= reporting <= units", s.Reporting, s.Units)
	}
	running := 0
	for i, r := range s.Releases {
		where := fmt.Sprintf("releases[%d]", i)
		if err := checkID(where+".version", r.Version); err != nil {
			return err
		}
		if i > 0 && s.Releases[i-1].Version >= r.Version {
			return statusErr("%s: %q after %q: releases must be sorted by version, each once", where, r.Version, s.Releases[i-1].Version)
		}
		if r.Units < 0 {
			return statusErr("%s: %d units", where, r.Units)
		}
		running += r.Units
		if err := r.Attempts.check(where); err != nil {
			return err
		}
		if !r.Judged && len(r.OpenVulnerabilities) > 0 {
			return statusErr("%s: open vulnerabilities listed, but no bundle judged release %s", where, r.Version)
		}
		if err := checkList(where+".open_vulnerabilities", r.OpenVulnerabilities); err != nil {
			return err
		}
	}
	if running != s.Reporting {
		return statusErr("the releases run on %d units, but %d units report", running, s.Reporting)
	}
	for i, c := range s.Campaigns {
		where := fmt.Sprintf("campaigns[%d]", i)
		if err := checkID(where+".id", c.ID); err != nil {
			return err
		}
		if err := checkID(where+".release", c.Release); err != nil {
			return err
		}
		if i > 0 {
			p := s.Campaigns[i-1]
			if p.ID > c.ID || p.ID == c.ID && p.Release >= c.Release {
				return statusErr("%s: %s/%s after %s/%s: campaigns must be sorted by ID and release, each pair once", where, c.ID, c.Release, p.ID, p.Release)
			}
		}
		if err := c.Attempts.check(where); err != nil {
			return err
		}
	}
	sp := s.Support
	if err := checkList("support.past_support", sp.PastSupport); err != nil {
		return err
	}
	if err := checkList("support.unknown_start", sp.UnknownStart); err != nil {
		return err
	}
	if u := firstCommon(sp.PastSupport, sp.UnknownStart); u != "" {
		return statusErr("support: unit %q is both past support and without a start", u)
	}
	if sp.InSupport < 0 || sp.InSupport+len(sp.PastSupport)+len(sp.UnknownStart) > s.Units {
		return statusErr("support: %d in support, %d past, %d unknown are more than the %d units", sp.InSupport, len(sp.PastSupport), len(sp.UnknownStart), s.Units)
	}
	if sp.Problem != "" && (sp.InSupport != 0 || len(sp.PastSupport) != 0) {
		return statusErr("support: ends not judged (%s), yet units are counted in or past support", sp.Problem)
	}
	if s.SilentDays < 1 {
		return statusErr("silent_days %d: want at least 1", s.SilentDays)
	}
	if err := checkList("silent_units", s.SilentUnits); err != nil {
		return err
	}
	if len(s.SilentUnits) > s.Units {
		return statusErr("%d silent units of %d", len(s.SilentUnits), s.Units)
	}
	open, unjudged := 0, 0
	for _, r := range s.Releases {
		switch {
		case !r.Judged:
			unjudged += r.Units
		case len(r.OpenVulnerabilities) > 0:
			open += r.Units
		}
	}
	if s.OpenVulnerabilityUnits != open || s.UnjudgedUnits != unjudged {
		return statusErr("open_vulnerability_units %d and unjudged_units %d, but the releases say %d and %d", s.OpenVulnerabilityUnits, s.UnjudgedUnits, open, unjudged)
	}
	rj := s.Rejected
	if rj.BadSignature < 0 || rj.Replay < 0 || rj.UnknownDevice < 0 || rj.Malformed < 0 || rj.HardwareMismatch < 0 {
		return statusErr("rejected: negative count")
	}
	return nil
}

func (c Counts) check(where string) error {
	if c.Attempts < 0 || c.Success < 0 || c.Failure < 0 || c.Rollback < 0 || c.RefusedAttack < 0 {
		return statusErr("%s.attempts: negative count", where)
	}
	if sum := c.Success + c.Failure + c.Rollback + c.RefusedAttack; sum != c.Attempts {
		return statusErr("%s.attempts: outcomes add up to %d, not the %d attempts", where, sum, c.Attempts)
	}
	return nil
}

// checkID refuses an empty, overlong or control-character ID.
func checkID(where, id string) error {
	switch {
	case id == "" || strings.TrimSpace(id) != id:
		return statusErr("%s: empty or padded (%q)", where, id)
	case len(id) > maxIDLen:
		return statusErr("%s: over %d bytes", where, maxIDLen)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return statusErr("%s: control character in %q", where, id)
	}
	return nil
}

// checkList refuses unsorted, repeated or invalid entries.
func checkList(where string, l []string) error {
	for i, v := range l {
		if err := checkID(fmt.Sprintf("%s[%d]", where, i), v); err != nil {
			return err
		}
		if i > 0 && l[i-1] >= v {
			return statusErr("%s[%d]: %q after %q: want sorted, each once", where, i, v, l[i-1])
		}
	}
	return nil
}

// firstCommon returns an entry of both sorted lists, or "".
func firstCommon(a, b []string) string {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return a[i]
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return ""
}

// Rate is part/whole in percent, 0 when whole is 0.
func Rate(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}
