package layout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// MaxFile bounds a layout file (a hand-written description).
const MaxFile = 64 << 10

// Error is a problem with a layout file: one line naming the file, the
// line and the key.
type Error struct {
	File    string
	Line    int
	Key     string
	Problem string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Problem)
	return b.String()
}

// Load reads and parses a layout file.
func Load(file string) (*Layout, error) {
	b, err := atomicfs.ReadFile(file, MaxFile)
	if err != nil {
		return nil, &Error{File: file, Problem: err.Error()}
	}
	return Parse(file, b)
}

// Parse reads a layout from b; file names it in errors.
func Parse(file string, b []byte) (*Layout, error) {
	r := &reader{file: file, l: Default(), at: map[string]*yaml.Node{}}
	if len(b) > MaxFile {
		return nil, r.fail(nil, "", fmt.Sprintf("larger than %d bytes", MaxFile))
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, r.fail(nil, "", "empty file (want a mapping with layout: 1)")
		}
		return nil, r.fail(nil, "", "not YAML: "+oneLine(err.Error()))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, r.fail(&extra, "", "more than one YAML document")
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := r.top(root); err != nil {
		return nil, err
	}
	r.l.File = file
	return r.l, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

type reader struct {
	file string
	l    *Layout
	// at: the node of each key read (full name), for later messages.
	at map[string]*yaml.Node
}

// node is where key was given, else n.
func (r *reader) node(key string, n *yaml.Node) *yaml.Node {
	if v := r.at[key]; v != nil {
		return v
	}
	return n
}

func (r *reader) fail(n *yaml.Node, key, problem string) error {
	e := &Error{File: r.file, Key: key, Problem: problem}
	if n != nil {
		e.Line = n.Line
	}
	return e
}

// entry is one key of a mapping and how its value is read.
type entry struct {
	key  string
	read func(key string, v *yaml.Node) error
}

// mapping reads a mapping node whose keys must be among entries (each at
// most once); it returns the keys present.
func (r *reader) mapping(n *yaml.Node, prefix string, entries []entry) (map[string]bool, error) {
	if err := r.plain(n, prefix); err != nil {
		return nil, err
	}
	if n.Kind != yaml.MappingNode {
		return nil, r.fail(n, prefix, "want a mapping")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := r.plain(k, prefix); err != nil {
			return nil, err
		}
		full := k.Value
		if prefix != "" {
			full = prefix + "." + k.Value
		}
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
			return nil, r.fail(k, full, "want a plain key")
		}
		if seen[k.Value] {
			return nil, r.fail(k, full, "given twice")
		}
		i := slices.IndexFunc(entries, func(e entry) bool { return e.key == k.Value })
		if i < 0 {
			known := make([]string, len(entries))
			for j, e := range entries {
				known[j] = e.key
			}
			return nil, r.fail(k, full, "unknown key (known: "+strings.Join(known, ", ")+")")
		}
		seen[k.Value] = true
		r.at[full] = v
		if err := r.plain(v, full); err != nil {
			return nil, err
		}
		if err := entries[i].read(full, v); err != nil {
			return nil, err
		}
	}
	return seen, nil
}

// plain refuses anchors, aliases and explicit tags: a layout is a small
// hand-written file, and aliases are how YAML bombs grow.
func (r *reader) plain(n *yaml.Node, key string) error {
	switch {
	case n.Kind == yaml.AliasNode || n.Anchor != "":
		return r.fail(n, key, "anchors and aliases are not allowed")
	case strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"), n.Style&yaml.TaggedStyle != 0:
		return r.fail(n, key, "tags are not allowed")
	}
	return nil
}

// str reads a string scalar; null (an empty value) is "".
func (r *reader) str(key string, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", r.fail(v, key, "want a string")
	}
	switch v.Tag {
	case "!!str":
		if len(v.Value) > 1024 {
			return "", r.fail(v, key, "longer than 1024 characters")
		}
		return v.Value, nil
	case "!!null":
		return "", nil
	}
	return "", r.fail(v, key, fmt.Sprintf("want a string, got %q (quote it)", v.Value))
}

func (r *reader) strings(key string, v *yaml.Node) ([]string, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, r.fail(v, key, "want a list of strings")
	}
	out := []string{}
	for i, e := range v.Content {
		k := fmt.Sprintf("%s[%d]", key, i)
		if err := r.plain(e, k); err != nil {
			return nil, err
		}
		s, err := r.str(k, e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (r *reader) top(n *yaml.Node) error {
	var versionNode *yaml.Node
	seen, err := r.mapping(n, "", []entry{
		{"layout", func(k string, v *yaml.Node) error {
			versionNode = v
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
				return r.fail(v, k, "want the format version, 1")
			}
			if x, err := strconv.Atoi(v.Value); err != nil || x != Version {
				return r.fail(v, k, fmt.Sprintf("format version %s is not supported (this craudit reads %d)", v.Value, Version))
			}
			return nil
		}},
		{"description", func(k string, v *yaml.Node) error {
			var err error
			r.l.Description, err = r.str(k, v)
			return err
		}},
		{"paths", r.paths},
		{"manifest", r.manifest},
		{"client", r.client},
	})
	if err != nil {
		return err
	}
	if !seen["layout"] || versionNode == nil {
		return r.fail(n, "layout", "missing (the first key of a layout file is layout: 1)")
	}
	return nil
}

// pathChars: unreserved URL characters and '/'; no escaping needed.
var pathChars = regexp.MustCompile(`^[A-Za-z0-9._~/-]+$`)

func (r *reader) paths(key string, n *yaml.Node) error {
	p := &r.l.Paths
	type spec struct {
		key      string
		dst      *string
		optional bool
	}
	specs := []spec{{"manifest", &p.Manifest, false}, {"manifest_signature", &p.ManifestSig, false},
		{"certificate", &p.Cert, false}, {"certificate_signature", &p.CertSig, false},
		{"signer_key", &p.SignerKey, true}, {"artefact", &p.Artefact, false}}
	nodes := map[string]*yaml.Node{}
	var entries []entry
	for _, s := range specs {
		entries = append(entries, entry{s.key, func(k string, v *yaml.Node) error {
			val, err := r.str(k, v)
			if err != nil {
				return err
			}
			nodes[s.key] = v
			if val == "" {
				if !s.optional {
					return r.fail(v, k, "required (the scenarios serve this file)")
				}
				*s.dst = ""
				return nil
			}
			if err := checkPath(val, s.key == "artefact"); err != nil {
				return r.fail(v, k, err.Error())
			}
			*s.dst = val
			return nil
		}})
	}
	if _, err := r.mapping(n, key, entries); err != nil {
		return err
	}
	// Two files at one path: the repository could serve only one of them.
	// The artefact template collides when its fixed parts match a path.
	at := map[string]string{}
	for _, s := range specs {
		v := *s.dst
		if v == "" {
			continue
		}
		probe := strings.Replace(v, NamePlaceholder, "firmware.bin", 1)
		if other, dup := at[probe]; dup {
			return r.fail(nodes[s.key], key+"."+s.key, fmt.Sprintf("the same path as %s.%s", key, other))
		}
		at[probe] = s.key
	}
	return nil
}

// checkPath accepts a relative URL path below the repository: plain
// segments of unreserved characters, no "." or "..", no empty segment.
func checkPath(p string, template bool) error {
	probe := p
	if template {
		if strings.Count(p, NamePlaceholder) != 1 {
			return fmt.Errorf("%q must hold %s exactly once (the artefact's name in the manifest)", p, NamePlaceholder)
		}
		probe = strings.Replace(p, NamePlaceholder, "x", 1)
		if seg := p[strings.LastIndex(p, "/")+1:]; !strings.Contains(seg, NamePlaceholder) {
			return fmt.Errorf("%q: %s must be in the last path segment", p, NamePlaceholder)
		}
	}
	if !pathChars.MatchString(probe) {
		return fmt.Errorf("%q: a path below the repository URL of letters, digits and . _ ~ / - only", p)
	}
	if strings.HasPrefix(probe, "/") || strings.HasSuffix(probe, "/") {
		return fmt.Errorf("%q: relative to the repository URL, no leading or trailing /", p)
	}
	for _, seg := range strings.Split(probe, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%q: empty, . and .. segments are not allowed", p)
		}
	}
	if path.Clean(probe) != probe {
		return fmt.Errorf("%q is not a clean path", p)
	}
	return nil
}

// fieldName: a JSON key a shell or C parser can match without escaping.
var fieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,63}$`)

func (r *reader) manifest(key string, n *yaml.Node) error {
	_, err := r.mapping(n, key, []entry{
		{"fields", r.fields},
		{"time_format", func(k string, v *yaml.Node) error {
			s, err := r.str(k, v)
			if err != nil {
				return err
			}
			if s != TimeRFC3339 && s != TimeUnix {
				return r.fail(v, k, fmt.Sprintf("%q: want %s or %s", s, TimeRFC3339, TimeUnix))
			}
			r.l.TimeFormat = s
			return nil
		}},
		{"constants", func(k string, v *yaml.Node) error {
			if v.Kind != yaml.MappingNode {
				return r.fail(v, k, "want a mapping of field names to strings")
			}
			r.l.Constants = map[string]string{}
			for i := 0; i+1 < len(v.Content); i += 2 {
				kn, vn := v.Content[i], v.Content[i+1]
				if err := errors.Join(r.plain(kn, k), r.plain(vn, k)); err != nil {
					return err
				}
				name := k + "." + kn.Value
				if kn.Kind != yaml.ScalarNode || kn.Tag != "!!str" || !fieldName.MatchString(kn.Value) {
					return r.fail(kn, name, "want a field name of letters, digits and _ . - (at most 64)")
				}
				if _, dup := r.l.Constants[kn.Value]; dup {
					return r.fail(kn, name, "given twice")
				}
				s, err := r.str(name, vn)
				if err != nil {
					return err
				}
				r.l.Constants[kn.Value] = s
				r.at[name] = vn
			}
			return nil
		}},
	})
	if err != nil {
		return err
	}
	// Every first-level name once, constants included.
	f := r.l.Fields
	top := []struct{ what, name string }{{"schema", f.Schema}, {"product", f.Product}, {"model", f.Model},
		{"hardware_ids", f.HardwareIDs}, {"version", f.Version}, {"rollback_counter", f.RollbackCounter},
		{"timestamp", f.Timestamp}, {"expires", f.Expires}, {"update_type", f.UpdateType}, {"severity", f.Severity},
		{"advisory_url", f.AdvisoryURL}, {"artefacts", f.Artefacts}}
	names := map[string]string{}
	for c := range r.l.Constants {
		names[c] = key + ".constants." + c
	}
	for _, t := range top {
		if t.name == "" {
			continue
		}
		if other, dup := names[t.name]; dup {
			k := key + ".fields." + t.what
			return r.fail(r.node(k, r.node(other, n)), k, fmt.Sprintf("%q is also the name of %s", t.name, other))
		}
		names[t.name] = key + ".fields." + t.what
	}
	art := map[string]string{}
	for _, t := range []struct{ what, name string }{{"artefact_name", f.Name}, {"artefact_size", f.Size}, {"artefact_sha256", f.SHA256}, {"artefact_sha512", f.SHA512}} {
		if t.name == "" {
			continue
		}
		if other, dup := art[t.name]; dup {
			k := key + ".fields." + t.what
			return r.fail(r.node(k, r.node(other, n)), k, fmt.Sprintf("%q is also the name of %s", t.name, other))
		}
		art[t.name] = key + ".fields." + t.what
	}
	return nil
}

func (r *reader) fields(key string, n *yaml.Node) error {
	f := &r.l.Fields
	specs := []struct {
		key      string
		dst      *string
		optional bool
	}{{"schema", &f.Schema, true}, {"product", &f.Product, false}, {"model", &f.Model, true},
		{"hardware_ids", &f.HardwareIDs, false}, {"version", &f.Version, false},
		{"rollback_counter", &f.RollbackCounter, false}, {"timestamp", &f.Timestamp, false},
		{"expires", &f.Expires, false}, {"update_type", &f.UpdateType, true}, {"severity", &f.Severity, true},
		{"advisory_url", &f.AdvisoryURL, true}, {"artefacts", &f.Artefacts, false},
		{"artefact_name", &f.Name, false}, {"artefact_size", &f.Size, false},
		{"artefact_sha256", &f.SHA256, false}, {"artefact_sha512", &f.SHA512, true}}
	var entries []entry
	for _, s := range specs {
		entries = append(entries, entry{s.key, func(k string, v *yaml.Node) error {
			val, err := r.str(k, v)
			if err != nil {
				return err
			}
			if val == "" {
				if !s.optional {
					return r.fail(v, k, "cannot be omitted (the scenarios change it)")
				}
			} else if !fieldName.MatchString(val) {
				return r.fail(v, k, fmt.Sprintf("%q: want a field name of letters, digits and _ . - (at most 64)", val))
			}
			*s.dst = val
			return nil
		}})
	}
	_, err := r.mapping(n, key, entries)
	return err
}

func (r *reader) client(key string, n *yaml.Node) error {
	var argsNode *yaml.Node
	_, err := r.mapping(n, key, []entry{
		{"arguments", func(k string, v *yaml.Node) error {
			argsNode = v
			a, err := r.strings(k, v)
			if err != nil {
				return err
			}
			if err := r.checkArgs(k, v, a, false); err != nil {
				return err
			}
			r.l.Arguments = a
			return nil
		}},
		{"resolve_arguments", func(k string, v *yaml.Node) error {
			a, err := r.strings(k, v)
			if err != nil {
				return err
			}
			if err := r.checkArgs(k, v, a, true); err != nil {
				return err
			}
			if !slices.ContainsFunc(a, func(s string) bool { return strings.Contains(s, "{resolve}") }) {
				return r.fail(v, k, "none of them holds {resolve}")
			}
			r.l.ResolveArguments = a
			return nil
		}},
		{"installed", func(k string, v *yaml.Node) error {
			s, err := r.str(k, v)
			if err != nil {
				return err
			}
			if s != "." {
				if err := checkPath(s, false); err != nil {
					return r.fail(v, k, "a folder below the client's --out: "+err.Error())
				}
			}
			r.l.Installed = s
			return nil
		}},
	})
	if err != nil {
		return err
	}
	if r.l.ResolveArguments != nil && r.l.Arguments == nil {
		return r.fail(n, key+".resolve_arguments", "given without client.arguments (craudit's protocol passes --resolve itself)")
	}
	if argsNode != nil && len(r.l.Arguments) == 0 {
		return r.fail(argsNode, key+".arguments", "empty: the client would be given nothing to find its repository")
	}
	return nil
}

// checkArgs: every {...} is a known placeholder, no stray brace, and the
// arguments name the repository.
func (r *reader) checkArgs(key string, n *yaml.Node, args []string, resolve bool) error {
	here := 0
	for i, a := range args {
		if a == ResolveHere && !resolve {
			if here++; here > 1 {
				return r.fail(n.Content[i], fmt.Sprintf("%s[%d]", key, i), ResolveHere+" given twice")
			}
			continue
		}
		rest := placeholder.ReplaceAllStringFunc(a, func(p string) string {
			for _, k := range Placeholders {
				if k.Name == p && p != ResolveHere && (p != "{resolve}" || resolve) {
					return ""
				}
			}
			return "{?}"
		})
		if strings.ContainsAny(rest, "{}") {
			at := n
			if i < len(n.Content) {
				at = n.Content[i]
			}
			return r.fail(at, fmt.Sprintf("%s[%d]", key, i), fmt.Sprintf("%q: unknown placeholder or stray brace (placeholders: %s)", a, placeholderNames(resolve)))
		}
	}
	if !resolve && !slices.ContainsFunc(args, func(s string) bool { return strings.Contains(s, "{repo}") }) && len(args) > 0 {
		return r.fail(n, key, "none of them holds {repo}: the client would not know where the repository is")
	}
	return nil
}

func placeholderNames(resolve bool) string {
	var out []string
	for _, p := range Placeholders {
		if resolve && p.Name != ResolveHere || !resolve && p.Name != "{resolve}" {
			out = append(out, p.Name)
		}
	}
	return strings.Join(out, " ")
}
