package layout

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/manifest"
)

// member is one field of a JSON object, written in order.
type member struct {
	name  string
	value any
}

// object writes its members in order.
type object []member

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Marshal writes m as the layout's manifest: its field names, time format
// and constants, in craudit's field order, indented by two spaces (the
// bytes the builders sign). Under Default (or nil) it is exactly
// m.Marshal().
func (l *Layout) Marshal(m *manifest.Manifest) ([]byte, error) {
	if l == nil {
		return m.Marshal()
	}
	f := l.Fields
	var o object
	add := func(name string, v any) {
		if name != "" {
			o = append(o, member{name, v})
		}
	}
	consts := make([]string, 0, len(l.Constants))
	for k := range l.Constants {
		consts = append(consts, k)
	}
	slices.Sort(consts)
	for _, k := range consts {
		add(k, l.Constants[k])
	}
	add(f.Schema, manifest.Schema)
	add(f.Product, m.Product)
	if m.Model != "" {
		add(f.Model, m.Model)
	}
	hw := slices.Clone(m.HardwareIDs)
	slices.Sort(hw)
	if hw == nil {
		hw = []string{}
	}
	add(f.HardwareIDs, hw)
	add(f.Version, m.Version)
	add(f.RollbackCounter, m.RollbackCounter)
	add(f.Timestamp, l.time(m.Timestamp))
	add(f.Expires, l.time(m.Expires))
	add(f.UpdateType, m.UpdateType)
	if m.Severity != "" {
		add(f.Severity, m.Severity)
	}
	if m.AdvisoryURL != "" {
		add(f.AdvisoryURL, m.AdvisoryURL)
	}
	arts := slices.Clone(m.Artefacts)
	slices.SortFunc(arts, func(a, b manifest.Artefact) int { return strings.Compare(a.Name, b.Name) })
	list := make([]object, 0, len(arts))
	for _, a := range arts {
		var e object
		for _, x := range []member{{f.Name, a.Name}, {f.Size, a.Size}, {f.SHA256, a.SHA256}, {f.SHA512, a.SHA512}} {
			if x.name != "" {
				e = append(e, x)
			}
		}
		list = append(list, e)
	}
	add(f.Artefacts, list)
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (l *Layout) time(t time.Time) any {
	if l.TimeFormat == TimeUnix {
		return t.Unix()
	}
	return t.UTC()
}
