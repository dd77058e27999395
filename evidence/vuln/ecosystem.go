package vuln

import (
	"net/url"
	"strings"
)

// purlEcosystems maps a purl type to the OSV ecosystem (base name, as the
// database folders are named).
var purlEcosystems = map[string]string{
	"apk": "Alpine", "deb": "Debian", "golang": "Go", "npm": "npm", "pypi": "PyPI",
	"maven": "Maven", "cargo": "crates.io", "gem": "RubyGems", "nuget": "NuGet",
	"composer": "Packagist", "hex": "Hex", "pub": "Pub", "swift": "SwiftURL",
	"conan": "ConanCenter", "cran": "CRAN", "hackage": "Hackage",
}

// EcosystemOf returns the OSV ecosystem of a purl, "" when none. apk and
// deb purls map to a distribution ecosystem only for Alpine and Debian.
func EcosystemOf(purl string) string {
	rest, ok := strings.CutPrefix(purl, "pkg:")
	if !ok {
		return ""
	}
	typ, after, _ := strings.Cut(rest, "/")
	typ = strings.ToLower(typ)
	eco := purlEcosystems[typ]
	switch typ {
	case "apk":
		ns, _, _ := strings.Cut(after, "/")
		if u, err := url.PathUnescape(ns); err != nil || !strings.EqualFold(u, "alpine") {
			return ""
		}
	case "deb":
		ns, _, _ := strings.Cut(after, "/")
		if u, err := url.PathUnescape(ns); err != nil || !strings.EqualFold(u, "debian") {
			return ""
		}
	}
	return eco
}
