package sbom

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// PURL is a parsed package URL (github.com/package-url/purl-spec).
type PURL struct {
	Type, Namespace, Name, Version string
	Qualifiers                     map[string]string
	Subpath                        string
}

// ParsePURL parses and percent-decodes a package URL.
func ParsePURL(s string) (PURL, error) {
	var p PURL
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "pkg:")
	if !ok {
		return p, fmt.Errorf("purl %q does not start with pkg:", s)
	}
	rest = strings.TrimLeft(rest, "/")
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		p.Subpath = strings.Trim(rest[i+1:], "/")
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		q := rest[i+1:]
		rest = rest[:i]
		p.Qualifiers = map[string]string{}
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if k == "" || v == "" {
				continue
			}
			dv, err := url.PathUnescape(v)
			if err != nil {
				return p, fmt.Errorf("purl %q: qualifier %s: %v", s, k, err)
			}
			p.Qualifiers[strings.ToLower(k)] = dv
		}
	}
	typ, path, ok := strings.Cut(rest, "/")
	if !ok || typ == "" {
		return p, fmt.Errorf("purl %q has no type/name", s)
	}
	p.Type = strings.ToLower(typ)
	if i := strings.LastIndexByte(path, '@'); i >= 0 {
		v, err := url.PathUnescape(path[i+1:])
		if err != nil {
			return p, fmt.Errorf("purl %q: version: %v", s, err)
		}
		p.Version, path = v, path[:i]
	}
	path = strings.Trim(path, "/")
	segs := strings.Split(path, "/")
	for i, sg := range segs {
		d, err := url.PathUnescape(sg)
		if err != nil {
			return p, fmt.Errorf("purl %q: %v", s, err)
		}
		segs[i] = d
	}
	p.Name = segs[len(segs)-1]
	p.Namespace = strings.Join(segs[:len(segs)-1], "/")
	if p.Name == "" {
		return p, fmt.Errorf("purl %q has no name", s)
	}
	return p, nil
}

// caseInsensitive lists purl types whose namespace and name compare
// without case (purl-spec: e.g. apk, deb, npm, pypi, github, golang paths
// are case-sensitive and are not listed).
var caseInsensitive = []string{"apk", "deb", "rpm", "npm", "pypi", "github", "bitbucket", "composer", "hex", "nuget", "alpm"}

// Key is the package's identity for matching: type, namespace and name
// (case-folded where the type is case-insensitive), without version.
func (p PURL) Key() string {
	ns, name := p.Namespace, p.Name
	if slices.Contains(caseInsensitive, p.Type) {
		ns, name = strings.ToLower(ns), strings.ToLower(name)
	}
	if p.Type == "pypi" {
		name = strings.ReplaceAll(name, "_", "-")
	}
	if ns != "" {
		return p.Type + "/" + ns + "/" + name
	}
	return p.Type + "/" + name
}

// Matches reports whether other names the same package as p: same key;
// the same version when both give one (a versionless purl matches every
// version); and every qualifier p sets has the same value in other.
func (p PURL) Matches(other PURL) bool {
	if p.Key() != other.Key() {
		return false
	}
	if p.Version != "" && other.Version != "" && p.Version != other.Version {
		return false
	}
	for k, v := range p.Qualifiers {
		if ov, ok := other.Qualifiers[k]; ok && ov != v {
			return false
		}
	}
	return true
}
