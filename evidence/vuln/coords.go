package vuln

import (
	"net/url"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/sbom"
)

// Coordinates are the package name, version and package URL under which
// advisory databases list a component. They differ from what the SBOM
// says in two cases:
//   - the Go standard library: syft records the toolchain version as
//     "go1.19.8" while the Go vulnerability database's "stdlib" package
//     uses "1.19.8";
//   - Debian and Alpine binary packages built from a source package of
//     another name (libc6 from glibc, zlib1g from zlib, libcrypto3 from
//     openssl): Debian's and Alpine's advisories name the source package.
//     The source name (and, for Debian, its version when it differs) comes
//     from the purl's "upstream" qualifier, which syft writes from dpkg's
//     Source: field and apk's o: (origin) field.
type Coordinates struct {
	Name, Version, PURL string
	// Source names the source package the coordinates were taken from
	// ("" when the component is matched under its own name).
	Source string
}

// ScanCoordinates returns the coordinates to look a component up by. name
// is the package name OSV records use for the purl (the full Go module
// path, Maven group:artifact...), version the component's version.
func ScanCoordinates(purl, name, version string) Coordinates {
	c := Coordinates{Name: name, Version: version, PURL: purl}
	p, err := sbom.ParsePURL(purl)
	if err != nil {
		return c
	}
	if p.Version != "" {
		c.Version = p.Version
	}
	switch p.Type {
	case "golang":
		if p.Namespace == "" && p.Name == "stdlib" {
			c.Version = goToolchainVersion(c.Version)
			p.Version = c.Version
			c.PURL = purlString(p)
		}
	case "deb", "apk":
		up := p.Qualifiers["upstream"]
		if up == "" {
			return c
		}
		srcName, srcVersion, hasVersion := strings.Cut(up, "@")
		srcName = strings.TrimSpace(srcName)
		if srcName == "" || strings.ContainsAny(srcName, "/ ") {
			return c
		}
		if srcName == p.Name && !hasVersion {
			return c
		}
		c.Source = srcName
		c.Name = srcName
		if hasVersion && srcVersion != "" {
			c.Version = srcVersion
		}
		p.Name, p.Version = srcName, c.Version
		delete(p.Qualifiers, "upstream")
		c.PURL = purlString(p)
	}
	return c
}

// goToolchainVersion turns a Go toolchain version as binaries record it
// ("go1.19.8") into the form the Go vulnerability database uses ("1.19.8").
func goToolchainVersion(v string) string {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "v"), "go")
	// "1.22.0 X:boringcrypto" and similar experiment suffixes.
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		v = v[:i]
	}
	return v
}

// purlString writes a parsed purl back, qualifiers sorted.
func purlString(p sbom.PURL) string {
	var b strings.Builder
	b.WriteString("pkg:" + p.Type + "/")
	if p.Namespace != "" {
		for _, s := range strings.Split(p.Namespace, "/") {
			b.WriteString(url.PathEscape(s) + "/")
		}
	}
	b.WriteString(url.PathEscape(p.Name))
	if p.Version != "" {
		b.WriteString("@" + url.PathEscape(p.Version))
	}
	if len(p.Qualifiers) > 0 {
		keys := make([]string, 0, len(p.Qualifiers))
		for k := range p.Qualifiers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			if i == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(k + "=" + url.QueryEscape(p.Qualifiers[k]))
		}
	}
	if p.Subpath != "" {
		b.WriteString("#" + p.Subpath)
	}
	return b.String()
}
