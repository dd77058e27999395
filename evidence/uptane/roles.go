package uptane

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Common fields of every role's signed part.
type Common struct {
	Type    string    `json:"_type"`
	Version int64     `json:"version"`
	Expires time.Time `json:"expires"`
}

// Root is a root role's signed part.
type Root struct {
	Common
	ConsistentSnapshot bool `json:"consistent_snapshot"`
	// Keys maps the published key ID to the key.
	Keys  map[string]*Key `json:"-"`
	Roles map[string]Role `json:"roles"`
}

// Hashes maps an algorithm ("sha256", "sha512") to a lower-case hex digest.
type Hashes map[string]string

// TargetFile is one entry of a targets role.
type TargetFile struct {
	Length int64           `json:"length"`
	Hashes Hashes          `json:"hashes"`
	Custom json.RawMessage `json:"custom,omitempty"`
}

// DelegatedRole is one delegation of a targets role.
type DelegatedRole struct {
	Name        string   `json:"name"`
	KeyIDs      []string `json:"keyids"`
	Threshold   int      `json:"threshold"`
	Paths       []string `json:"paths"`
	Terminating bool     `json:"terminating"`
}

// Delegations of a targets role.
type Delegations struct {
	Keys  map[string]*Key `json:"-"`
	Roles []DelegatedRole `json:"roles"`
}

// Targets is a targets role's signed part (top-level or delegated).
type Targets struct {
	Common
	Targets     map[string]TargetFile `json:"targets"`
	Delegations *Delegations          `json:"-"`
}

// MetaFile is one entry of snapshot or timestamp meta.
type MetaFile struct {
	Version int64  `json:"version"`
	Length  int64  `json:"length,omitempty"`
	Hashes  Hashes `json:"hashes,omitempty"`
}

// Snapshot and Timestamp signed parts.
type Snapshot struct {
	Common
	Meta map[string]MetaFile `json:"meta"`
}

// Timestamp is a timestamp role's signed part.
type Timestamp struct {
	Common
	Meta map[string]MetaFile `json:"meta"`
}

func (m *Metadata) expect(role string) error {
	if m.Type != role {
		return &DecodeError{What: role, Err: fmt.Errorf("%w: _type %q", ErrWrongType, m.TypeRaw)}
	}
	return nil
}

func (m *Metadata) common(role string, into any) error {
	if err := m.expect(role); err != nil {
		return err
	}
	if err := json.Unmarshal(m.Signed, into); err != nil {
		return &DecodeError{What: role, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	return nil
}

func parseKeys(raw map[string]json.RawMessage, what string) (map[string]*Key, error) {
	out := make(map[string]*Key, len(raw))
	ids := make([]string, 0, len(raw))
	for id := range raw {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		k, err := ParseKey(raw[id])
		if err != nil {
			return nil, &DecodeError{What: what + " key " + short(id), Err: err}
		}
		out[id] = k
	}
	return out, nil
}

// CheckKeyIDs returns a *KeyIDError for the first key (in ID order) whose
// published ID none of the schemes gives.
func CheckKeyIDs(keys map[string]*Key) error {
	ids := make([]string, 0, len(keys))
	for id := range keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, err := keys[id].CheckID(id); err != nil {
			return err
		}
	}
	return nil
}

// Root decodes the signed part as a root role.
func (m *Metadata) Root() (*Root, error) {
	var r struct {
		Root
		Keys map[string]json.RawMessage `json:"keys"`
	}
	if err := m.common("root", &r); err != nil {
		return nil, err
	}
	keys, err := parseKeys(r.Keys, "root")
	if err != nil {
		return nil, err
	}
	out := r.Root
	out.Keys = keys
	return &out, nil
}

// Targets decodes the signed part as a targets role (the type must be
// "targets" whatever the role's name).
func (m *Metadata) Targets() (*Targets, error) {
	var t struct {
		Targets
		Delegations *struct {
			Keys  map[string]json.RawMessage `json:"keys"`
			Roles []DelegatedRole            `json:"roles"`
		} `json:"delegations"`
	}
	if err := m.common("targets", &t); err != nil {
		return nil, err
	}
	out := t.Targets
	if t.Delegations != nil {
		keys, err := parseKeys(t.Delegations.Keys, "delegation")
		if err != nil {
			return nil, err
		}
		out.Delegations = &Delegations{Keys: keys, Roles: t.Delegations.Roles}
	}
	return &out, nil
}

// Snapshot decodes the signed part as a snapshot role.
func (m *Metadata) Snapshot() (*Snapshot, error) {
	var s Snapshot
	if err := m.common("snapshot", &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Timestamp decodes the signed part as a timestamp role.
func (m *Metadata) Timestamp() (*Timestamp, error) {
	var s Timestamp
	if err := m.common("timestamp", &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Custom is what a verifier reads from a target's custom object, in either
// dialect's field names (docs/uptane.md lists them).
type Custom struct {
	// ECUs maps an ECU serial to its hardware ID ("" when the Director
	// names the serial only, as the reference implementation does).
	ECUs map[string]string
	// HardwareIDs the image is for (Image repository).
	HardwareIDs []string
	// ReleaseCounter, when HasReleaseCounter.
	ReleaseCounter    int64
	HasReleaseCounter bool
	// Fields is the custom object itself (nil when absent).
	Fields map[string]json.RawMessage
}

// Field names of both dialects.
const (
	FieldECUIdentifiers    = "ecuIdentifiers" // OTA: {"SERIAL": {"hardwareId": "HWID"}}
	FieldHardwareIDOTA     = "hardwareId"
	FieldHardwareIDsOTA    = "hardwareIds" // OTA, Image repository: ["HWID", ...]
	FieldReleaseCounterOTA = "releaseCounter"
	FieldECUSerial         = "ecu_serial"   // TUF (reference implementation), Director
	FieldHardwareID        = "hardware_id"  // TUF, Director and Image
	FieldHardwareIDs       = "hardware_ids" // TUF, Image repository
	FieldReleaseCounter    = "release_counter"
)

// ParseCustom reads a target's custom object. Unknown fields are kept in
// Fields; a known field of the wrong JSON type is an error.
func ParseCustom(raw json.RawMessage) (*Custom, error) {
	c := &Custom{ECUs: map[string]string{}}
	if len(raw) == 0 || string(raw) == "null" {
		return c, nil
	}
	if err := json.Unmarshal(raw, &c.Fields); err != nil {
		return nil, &DecodeError{What: "custom", Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	bad := func(f string, err error) error {
		return &DecodeError{What: "custom." + f, Err: fmt.Errorf("%w: %v", ErrMalformed, err)}
	}
	if r, ok := c.Fields[FieldECUIdentifiers]; ok {
		var ids map[string]map[string]json.RawMessage
		if err := json.Unmarshal(r, &ids); err != nil {
			return nil, bad(FieldECUIdentifiers, err)
		}
		for serial, v := range ids {
			var hw string
			if h, ok := v[FieldHardwareIDOTA]; ok {
				if err := json.Unmarshal(h, &hw); err != nil {
					return nil, bad(FieldECUIdentifiers, err)
				}
			}
			c.ECUs[serial] = hw
		}
	}
	var hw string
	if r, ok := c.Fields[FieldHardwareID]; ok {
		if err := json.Unmarshal(r, &hw); err != nil {
			return nil, bad(FieldHardwareID, err)
		}
	}
	if r, ok := c.Fields[FieldECUSerial]; ok {
		var serial string
		if err := json.Unmarshal(r, &serial); err != nil {
			return nil, bad(FieldECUSerial, err)
		}
		c.ECUs[strings.TrimSpace(serial)] = hw
	} else if hw != "" {
		c.HardwareIDs = append(c.HardwareIDs, hw)
	}
	for _, f := range []string{FieldHardwareIDsOTA, FieldHardwareIDs} {
		if r, ok := c.Fields[f]; ok {
			var l []string
			if err := json.Unmarshal(r, &l); err != nil {
				return nil, bad(f, err)
			}
			c.HardwareIDs = append(c.HardwareIDs, l...)
		}
	}
	for _, f := range []string{FieldReleaseCounterOTA, FieldReleaseCounter} {
		if r, ok := c.Fields[f]; ok {
			if err := json.Unmarshal(r, &c.ReleaseCounter); err != nil {
				return nil, bad(f, err)
			}
			c.HasReleaseCounter = true
		}
	}
	return c, nil
}
