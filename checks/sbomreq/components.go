package sbomreq

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"

	"github.com/craudit/craudit/evidence/sbom"
)

// subject is one component judged, with what its judges need around it.
type subject struct {
	doc *sbom.Document
	c   *sbom.Component
	// list is the slice c.Children index into (Document.Primary or
	// Document.Components).
	list    []sbom.Component
	primary bool
	// logical is set for a logical component (section 3.2.2): it has no
	// file of its own and groups other components; the fields that
	// describe a file do not apply to it.
	logical bool
	lic     licenceCache
}

// fileData reports whether a component describes a file of its own: a
// filename, a SHA-512 or a reference to its deployable form.
func fileData(c *sbom.Component) bool {
	if c.Filename != "" || c.Hashes["SHA-512"] != "" {
		return true
	}
	for _, r := range c.ExtRefs {
		if r.Type == "distribution" {
			return true
		}
	}
	return false
}

// isLogical: a component that is not a file, has no file data of its own
// and groups other components, by nesting them (a package installed as the
// files nested under it) or, for the primary component, by depending on
// them (the product over its delivered files). Anything else is judged as
// a file: the checker does not guess that a component is logical.
func isLogical(d *sbom.Document, c *sbom.Component, primary bool) bool {
	if c.Type == "file" || fileData(c) {
		return false
	}
	if len(c.Children) > 0 {
		return true
	}
	return primary && len(d.Deps[c.Ref]) > 0
}

func logicalNA(_ *subject, field string) verdict {
	return notApplicable(logicalMsg[field])
}

var logicalMsg = map[string]string{}

func init() {
	for _, f := range []string{"filename", "hash", propExecutable.field, propArchive.field, propStructured.field} {
		logicalMsg[f] = "logical component (section 3.2.2): the " + f + " belongs to the files it groups"
	}
}

// note appends the SBOM's own explanation of a gap, when it gives one.
func note(c *sbom.Component, field string) string {
	key, _, _ := strings.Cut(field, " ")
	for _, n := range c.Properties["craudit:note"] {
		if strings.HasPrefix(n, key) || strings.Contains(n, key+":") || strings.Contains(n, key+" and") {
			return " (SBOM note: " + n + ")"
		}
	}
	return ""
}

func compCreator(s *subject) verdict {
	v := creatorVerdict(s.c.Creators, "component creator")
	if v.status == StatusFail {
		v.msg += note(s.c, "creator")
	}
	return v
}

func compName(s *subject) verdict {
	if strings.TrimSpace(s.c.Name) == "" {
		return fail("no name")
	}
	return ok()
}

func compVersion(s *subject) verdict {
	if strings.TrimSpace(s.c.Version) == "" {
		return fail("no version and no modification time%s", note(s.c, "version"))
	}
	return ok()
}

func ntiaVersion(s *subject) verdict {
	if strings.TrimSpace(s.c.Version) == "" {
		return fail("no version")
	}
	return ok()
}

// compFilename: the file's name, not its path (section 5.2.2); CycloneDX
// puts it in the bsi:component:filename property (section 8.2).
func compFilename(s *subject) verdict {
	f := s.c.Filename
	switch {
	case f == "" && s.logical:
		return logicalNA(s, "filename")
	case strings.TrimSpace(f) == "":
		return fail("no filename%s", note(s.c, "filename"))
	case strings.ContainsAny(f, `/\`):
		return fail("filename %q is a path; the TR asks for the file name alone", f)
	}
	return ok()
}

// deployableSHA512 returns the SHA-512 of the deployable form where the
// mapping of section 8.2 puts it (externalReferences of type
// distribution) or in the component's own hashes, and where it was found.
func deployableSHA512(c *sbom.Component) (string, string) {
	for _, r := range c.ExtRefs {
		if v, has := r.Hashes["SHA-512"]; has && r.Type == "distribution" {
			return v, "distribution reference"
		}
	}
	if v, has := c.Hashes["SHA-512"]; has {
		return v, "hashes"
	}
	return "", ""
}

func compSHA512(s *subject) verdict {
	v, where := deployableSHA512(s.c)
	switch {
	case where == "" && s.logical:
		return logicalNA(s, "hash")
	case where == "":
		return fail("no SHA-512 of the deployable form (neither a distribution reference nor hashes carry one)%s", note(s.c, "hash"))
	case !isHex(v, 128):
		return fail("SHA-512 %q in %s is not 128 hex digits", v, where)
	}
	return ok()
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return false
		}
	}
	return true
}

// The three properties of section 5.2.2 and the values the TR allows.
type valueSet struct {
	prop, field string
	values      [2]string
}

var (
	propExecutable = valueSet{"bsi:component:executable", "executable property", [2]string{"executable", "non-executable"}}
	propArchive    = valueSet{"bsi:component:archive", "archive property", [2]string{"archive", "no archive"}}
	propStructured = valueSet{"bsi:component:structured", "structured property", [2]string{"structured", "unstructured"}}
)

func compValueSet(vs valueSet) func(*subject) verdict {
	return func(s *subject) verdict {
		vals := s.c.Properties[vs.prop]
		switch {
		case len(vals) == 0 && s.logical:
			return logicalNA(s, vs.field)
		case len(vals) == 0:
			return fail("no %s property", vs.prop)
		case len(vals) > 1 && vals[0] != vals[1]:
			return fail("%s given %d times with different values", vs.prop, len(vals))
		case vals[0] != vs.values[0] && vals[0] != vs.values[1]:
			return fail("%s is %q; the TR allows %q or %q", vs.prop, vals[0], vs.values[0], vs.values[1])
		}
		return ok()
	}
}

// licenceCache remembers which expressions are valid SPDX licence
// expressions (an SBOM repeats a few licences many times).
type licenceCache map[string]bool

// valid: an SPDX licence expression over identifiers of the SPDX licence
// list (deprecated ones included) or LicenseRef- identifiers (section 6.1).
func (lc licenceCache) valid(expr string) bool {
	if v, ok := lc[expr]; ok {
		return v
	}
	v := validExpression(expr)
	lc[expr] = v
	return v
}

func validExpression(expr string) bool {
	if strings.TrimSpace(expr) == "" || strings.Contains(expr, "NOASSERTION") || strings.TrimSpace(expr) == "NONE" {
		return false
	}
	valid, _ := spdxexp.ValidateLicenses([]string{expr})
	return valid
}

func (lc licenceCache) firstInvalid(exprs []string) string {
	for _, e := range exprs {
		if !lc.valid(e) {
			return e
		}
	}
	return ""
}

// compLicence: the distribution licences are the concluded ones in the
// mapping of section 8.2 (CycloneDX acknowledgement "concluded", SPDX
// hasConcludedLicense / licenseConcluded), as SPDX expressions (6.1).
func compLicence(s *subject) verdict {
	c := s.c
	if len(c.Concluded) > 0 {
		if bad := s.lic.firstInvalid(c.Concluded); bad != "" {
			return fail("concluded licence %q is not a valid SPDX licence expression (section 6.1)", bad)
		}
		return ok()
	}
	switch {
	case len(c.Declared) > 0:
		return fail("only declared licences (%s); the distribution licence is the concluded one (section 8.2)", strings.Join(c.Declared, ", "))
	case len(c.Licences) > 0:
		return fail("licence %q has no acknowledgement; the distribution licence is marked concluded (section 8.2)", c.Licences[0])
	case len(c.LicenceNames) > 0:
		return fail("licence %q is a name, not an SPDX identifier or expression", c.LicenceNames[0])
	}
	return fail("no distribution licence%s", note(c, "licence"))
}

func compOriginalLicence(s *subject) verdict {
	if len(s.c.Declared) == 0 {
		return notGiven("no declared (original) licence; required where it exists")
	}
	if bad := s.lic.firstInvalid(s.c.Declared); bad != "" {
		return fail("declared licence %q is not a valid SPDX licence expression (section 6.1)", bad)
	}
	return ok()
}

// compSourceURI: CycloneDX externalReferences of type source-distribution
// (section 8.2) or vcs.
func compSourceURI(s *subject) verdict {
	return uriRefs(s, "source code URI", "source-distribution", "vcs")
}

func compDeployableURI(s *subject) verdict {
	return uriRefs(s, "URI of the deployable form", "distribution")
}

var notGivenMsg = map[string]string{
	"source code URI":            "no source code URI; required where it exists",
	"URI of the deployable form": "no URI of the deployable form; required where it exists",
}

func uriRefs(s *subject, what string, types ...string) verdict {
	given := 0
	for _, t := range types {
		for _, r := range s.c.RefsOf(t) {
			if r.URL == "" {
				continue
			}
			if !absURI(r.URL) {
				return fail("%s %q is not an absolute URI", what, r.URL)
			}
			given++
		}
	}
	if given == 0 {
		return notGiven(notGivenMsg[what])
	}
	return ok()
}

// compIdentifiers: purl, CPE or SWID, each well-formed where given.
func compIdentifiers(s *subject) verdict {
	c := s.c
	if c.PURL == "" && c.CPE == "" && c.SWID == "" {
		return notGiven("no purl, CPE or SWID tag; required where one exists")
	}
	if c.PURL != "" {
		if _, err := sbom.ParsePURL(c.PURL); err != nil {
			return fail("purl %q does not parse: %v", c.PURL, err)
		}
	}
	if c.CPE != "" && !validCPE(c.CPE) {
		return fail("CPE %q is neither a CPE 2.3 formatted string nor a CPE 2.2 URI", c.CPE)
	}
	return ok()
}

func validCPE(s string) bool {
	if strings.HasPrefix(s, "cpe:/") {
		return len(s) > len("cpe:/") && !strings.ContainsAny(s, " \t")
	}
	// cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other
	return strings.HasPrefix(s, "cpe:2.3:") && len(splitCPE(s)) == 13 && !strings.ContainsAny(s, " \t")
}

// splitCPE splits at colons not escaped with a backslash.
func splitCPE(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// The optional fields (section 5.2.5) are reported: given or not; a given
// but malformed value is advice, not a failure.
func compEffectiveLicence(s *subject) verdict {
	v := s.c.Prop("bsi:component:effectiveLicense")
	switch {
	case v == "":
		return notGiven("no effective licence (optional)")
	case !s.lic.valid(v):
		return advice("effective licence %q is not a valid SPDX licence expression", v)
	}
	return ok()
}

func compSourceHash(s *subject) verdict {
	for _, r := range s.c.RefsOf("source-distribution") {
		if len(r.Hashes) > 0 {
			return ok()
		}
	}
	return notGiven("no hash of the source code (optional)")
}

func compSecurityTxt(s *subject) verdict {
	for _, r := range s.c.RefsOf("rfc-9116") {
		if !webURL(r.URL) {
			return advice("security.txt URL %q is not an http(s) URL", r.URL)
		}
		return ok()
	}
	return notGiven("no security.txt URL (optional)")
}

// --- dependencies ---

func compDepsListed(s *subject) verdict {
	d, c := s.doc, s.c
	if _, listed := d.Deps[c.Ref]; listed {
		return ok()
	}
	for _, deps := range d.Deps {
		for _, r := range deps {
			if r == c.Ref {
				return ok()
			}
		}
	}
	if c.Parent != "" {
		return ok() // nested: its relation to the parent is its dependency relationship
	}
	return fail("in no dependency relationship")
}

// compDepsCompleteness: a dependency entry (empty for none, section 8.2's
// note on CycloneDX) and a stated completeness: complete, incomplete or
// unknown (CycloneDX compositions, SPDX relationship completeness).
func compDepsCompleteness(s *subject) verdict {
	d, c := s.doc, s.c
	if _, listed := d.Deps[c.Ref]; !listed {
		return fail("no dependency entry (a component without dependencies is listed with an empty one)")
	}
	switch a := d.Completeness[c.Ref]; a {
	case "":
		return fail("dependencies listed but their completeness is not stated (no composition names the component)")
	case "not_specified":
		return fail("the completeness of its dependencies is %q", a)
	}
	return ok()
}

func ntiaSupplier(s *subject) verdict {
	if s.c.Supplier != "" {
		return ok()
	}
	for _, p := range s.c.Creators {
		if p.Name != "" {
			return ok()
		}
	}
	return fail("no supplier")
}

func ntiaUnique(s *subject) verdict {
	c := s.c
	if c.PURL != "" || c.CPE != "" || c.SWID != "" || len(c.Hashes) > 0 {
		return ok()
	}
	return fail("no purl, CPE, SWID tag or hash")
}
