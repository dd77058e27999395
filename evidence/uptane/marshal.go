package uptane

import (
	"encoding/json"
	"strings"
	"time"
)

// TimeFormat is how both dialects write expiry times.
const TimeFormat = "2006-01-02T15:04:05Z"

func (c Common) fields(role string) map[string]any {
	t := c.Type
	if t == "" {
		t = strings.ToUpper(role[:1]) + role[1:]
	}
	return map[string]any{"_type": t, "version": c.Version, "expires": c.Expires.UTC().Truncate(time.Second).Format(TimeFormat)}
}

func keyObjects(keys map[string]*Key) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(keys))
	for id, k := range keys {
		out[id] = k.Raw
	}
	return out
}

// MarshalJSON writes the root's signed part (Type "" writes "Root").
func (r Root) MarshalJSON() ([]byte, error) {
	m := r.fields("root")
	m["consistent_snapshot"] = r.ConsistentSnapshot
	m["keys"] = keyObjects(r.Keys)
	m["roles"] = r.Roles
	return json.Marshal(m)
}

// MarshalJSON writes the targets role's signed part; delegations only when
// set.
func (t Targets) MarshalJSON() ([]byte, error) {
	m := t.fields("targets")
	tg := t.Targets
	if tg == nil {
		tg = map[string]TargetFile{}
	}
	m["targets"] = tg
	if t.Delegations != nil {
		roles := t.Delegations.Roles
		if roles == nil {
			roles = []DelegatedRole{}
		}
		m["delegations"] = map[string]any{"keys": keyObjects(t.Delegations.Keys), "roles": roles}
	}
	return json.Marshal(m)
}

// MarshalJSON writes the snapshot's signed part.
func (s Snapshot) MarshalJSON() ([]byte, error) {
	m := s.fields("snapshot")
	m["meta"] = s.Meta
	return json.Marshal(m)
}

// MarshalJSON writes the timestamp's signed part.
func (s Timestamp) MarshalJSON() ([]byte, error) {
	m := s.fields("timestamp")
	m["meta"] = s.Meta
	return json.Marshal(m)
}
