package swupdate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Kind is the kind of a configuration value.
type Kind int

// The kinds of libconfig values.
const (
	Scalar Kind = iota // string, number or boolean, kept as text in Str
	Array              // [ scalars ]
	List               // ( values )
	Group              // { settings }
)

// Value is a libconfig value.
type Value struct {
	Kind     Kind
	Str      string
	Items    []*Value   // Array, List
	Settings []*Setting // Group
}

// Setting is name = value inside a group.
type Setting struct {
	Name  string
	Value *Value
}

// Get returns the named setting of a group, or nil.
func (v *Value) Get(name string) *Value {
	if v == nil || v.Kind != Group {
		return nil
	}
	for _, s := range v.Settings {
		if s.Name == name {
			return s.Value
		}
	}
	return nil
}

// String returns a scalar's text, or "".
func (v *Value) String() string {
	if v == nil || v.Kind != Scalar {
		return ""
	}
	return v.Str
}

// Strings returns a scalar or the scalars of an array or list.
func (v *Value) Strings() []string {
	if v == nil {
		return nil
	}
	if v.Kind == Scalar {
		return []string{v.Str}
	}
	var out []string
	for _, it := range v.Items {
		if it.Kind == Scalar {
			out = append(out, it.Str)
		}
	}
	return out
}

const (
	maxConfig = 1 << 20
	maxDepth  = 32
)

// ParseConfig parses libconfig text (sw-description, swupdate.cfg) into
// its root group, or JSON when the text starts with '{'. @include is refused.
func ParseConfig(b []byte) (*Value, error) {
	if len(b) > maxConfig {
		return nil, fmt.Errorf("configuration of %d bytes exceeds %d", len(b), maxConfig)
	}
	p := &parser{s: string(b), line: 1}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '{' {
		return parseJSON(b)
	}
	root := &Value{Kind: Group}
	if err := p.settings(root, 0, 0); err != nil {
		return nil, err
	}
	return root, nil
}

type parser struct {
	s    string
	i    int
	line int
}

func (p *parser) errf(format string, a ...any) error {
	return fmt.Errorf("libconfig line %d: %s", p.line, fmt.Sprintf(format, a...))
}

// space skips white space and comments.
func (p *parser) space() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\n':
			p.line++
			p.i++
		case c == ' ' || c == '\t' || c == '\r':
			p.i++
		case c == '#' || strings.HasPrefix(p.s[p.i:], "//"):
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case strings.HasPrefix(p.s[p.i:], "/*"):
			end := strings.Index(p.s[p.i+2:], "*/")
			if end < 0 {
				p.i = len(p.s)
				return
			}
			p.line += strings.Count(p.s[p.i:p.i+2+end], "\n")
			p.i += end + 4
		default:
			return
		}
	}
}

// settings reads settings until '}' (close != 0) or the end.
func (p *parser) settings(g *Value, close byte, depth int) error {
	seen := map[string]bool{}
	for {
		p.space()
		if p.i >= len(p.s) {
			if close != 0 {
				return p.errf("missing %q", close)
			}
			return nil
		}
		if p.s[p.i] == close {
			p.i++
			return nil
		}
		if p.s[p.i] == '@' {
			return p.errf("@include and other directives are not accepted")
		}
		name := p.name()
		if name == "" {
			return p.errf("expected a setting name at %q", snippet(p.s[p.i:]))
		}
		if seen[name] {
			return p.errf("setting %s twice in one group", name)
		}
		seen[name] = true
		p.space()
		if p.i >= len(p.s) || (p.s[p.i] != '=' && p.s[p.i] != ':') {
			return p.errf("expected '=' or ':' after %s", name)
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		g.Settings = append(g.Settings, &Setting{Name: name, Value: v})
		p.space()
		if p.i < len(p.s) && (p.s[p.i] == ';' || p.s[p.i] == ',') {
			p.i++
		}
	}
}

func (p *parser) name() string {
	j := p.i
	for j < len(p.s) {
		c := p.s[j]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '*' || c == '_' || (j > p.i && (c >= '0' && c <= '9' || c == '-')) {
			j++
			continue
		}
		break
	}
	n := p.s[p.i:j]
	p.i = j
	return n
}

func (p *parser) value(depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, p.errf("nested deeper than %d", maxDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, p.errf("value expected at end of input")
	}
	switch c := p.s[p.i]; c {
	case '{':
		p.i++
		g := &Value{Kind: Group}
		return g, p.settings(g, '}', depth)
	case '[', '(':
		p.i++
		v := &Value{Kind: List}
		end := byte(')')
		if c == '[' {
			v.Kind, end = Array, ']'
		}
		for {
			p.space()
			if p.i < len(p.s) && p.s[p.i] == end {
				p.i++
				return v, nil
			}
			it, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if v.Kind == Array && it.Kind != Scalar {
				return nil, p.errf("an array holds scalars only")
			}
			v.Items = append(v.Items, it)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i >= len(p.s) || p.s[p.i] != end {
				return nil, p.errf("expected ',' or %q", end)
			}
		}
	case '"':
		var b strings.Builder
		for p.i < len(p.s) && p.s[p.i] == '"' {
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			b.WriteString(s)
			p.space()
		}
		return &Value{Kind: Scalar, Str: b.String()}, nil
	default:
		j := p.i
		for j < len(p.s) && strings.IndexByte(" \t\r\n;,)]}#/", p.s[j]) < 0 {
			j++
		}
		tok := p.s[p.i:j]
		if !scalarToken(tok) {
			return nil, p.errf("bad value %q", snippet(tok))
		}
		p.i = j
		return &Value{Kind: Scalar, Str: tok}, nil
	}
}

func scalarToken(t string) bool {
	l := strings.ToLower(t)
	if l == "true" || l == "false" {
		return true
	}
	l = strings.TrimRight(l, "lu")
	if _, err := strconv.ParseInt(l, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(l, 0, 64); err == nil {
		return true
	}
	_, err := strconv.ParseFloat(t, 64)
	return err == nil && t != "" && !strings.ContainsAny(l, "nix")
}

func (p *parser) str() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			return b.String(), nil
		case '\n':
			return "", p.errf("newline inside a string")
		case '\\':
			if p.i+1 >= len(p.s) {
				return "", p.errf("unterminated escape")
			}
			e := p.s[p.i+1]
			p.i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'f':
				b.WriteByte('\f')
			case '\\', '"':
				b.WriteByte(e)
			case 'x':
				if p.i+2 > len(p.s) {
					return "", p.errf("short \\x escape")
				}
				v, err := strconv.ParseUint(p.s[p.i:p.i+2], 16, 8)
				if err != nil {
					return "", p.errf("bad \\x escape")
				}
				b.WriteByte(byte(v))
				p.i += 2
			default:
				return "", p.errf("unknown escape \\%c", e)
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", p.errf("unterminated string")
}

func snippet(s string) string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}

// parseJSON maps a JSON sw-description onto the same model.
func parseJSON(b []byte) (*Value, error) {
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, fmt.Errorf("JSON configuration: %v", err)
	}
	return fromJSON(x, 0)
}

func fromJSON(x any, depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("JSON configuration nested deeper than %d", maxDepth)
	}
	switch t := x.(type) {
	case map[string]any:
		g := &Value{Kind: Group}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v, err := fromJSON(t[k], depth+1)
			if err != nil {
				return nil, err
			}
			g.Settings = append(g.Settings, &Setting{Name: k, Value: v})
		}
		return g, nil
	case []any:
		l := &Value{Kind: List}
		for _, it := range t {
			v, err := fromJSON(it, depth+1)
			if err != nil {
				return nil, err
			}
			l.Items = append(l.Items, v)
		}
		return l, nil
	case string:
		return &Value{Kind: Scalar, Str: t}, nil
	case nil:
		return &Value{Kind: Scalar}, nil
	default:
		return &Value{Kind: Scalar, Str: fmt.Sprint(t)}, nil
	}
}
