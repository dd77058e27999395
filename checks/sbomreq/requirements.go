package sbomreq

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/sbom"
)

// Standards the checker knows.
const (
	StandardBSI  = "bsi-tr-03183-2"
	StandardNTIA = "ntia"
)

// Editions of the standards, as the catalogue names them.
var editions = map[string]string{StandardBSI: "2.1.0", StandardNTIA: "2021"}

// Scope says what a requirement is judged on.
type Scope string

const (
	ScopeDocument  Scope = "document"
	ScopeComponent Scope = "component"
)

// Requirement is one field a standard asks for, with its catalogue ID.
type Requirement struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Scope Scope  `json:"scope"`
	// judge returns "" when met, else why not.
	doc  func(d *sbom.Document) string
	comp func(d *sbom.Document, c *sbom.Component) string
}

// ErrUnknownStandard is returned for a standard the checker does not know.
var ErrUnknownStandard = errors.New("unknown SBOM standard")

// Requirements lists a standard's requirements in catalogue order. The empty
// standard is BSI TR-03183-2.
func Requirements(standard string) ([]Requirement, error) {
	switch standard {
	case StandardBSI, "":
		return bsiRequirements, nil
	case StandardNTIA:
		return ntiaRequirements, nil
	}
	return nil, fmt.Errorf("%w %q (want %s or %s)", ErrUnknownStandard, standard, StandardBSI, StandardNTIA)
}

// bsiRequirements are the required fields of BSI TR-03183-2 v2.1.0
// (section 5): SBOM-level, then component-level.
var bsiRequirements = []Requirement{
	{ID: "bsi-tr-03183-2/spec-version", Title: "CycloneDX 1.6 or later, or SPDX 3.0.1 or later", Scope: ScopeDocument, doc: bsiFormat},
	{ID: "bsi-tr-03183-2/sbom-creator", Title: "SBOM creator with e-mail or URL", Scope: ScopeDocument, doc: docCreator},
	{ID: "bsi-tr-03183-2/sbom-timestamp", Title: "SBOM creation time in UTC", Scope: ScopeDocument, doc: docTimestampUTC},
	{ID: "bsi-tr-03183-2/no-vulnerabilities", Title: "no vulnerability information inside the SBOM", Scope: ScopeDocument, doc: noVulns},
	{ID: "bsi-tr-03183-2/component-creator", Title: "component creator with e-mail or URL", Scope: ScopeComponent, comp: compCreator},
	{ID: "bsi-tr-03183-2/component-name", Title: "component name", Scope: ScopeComponent, comp: compName},
	{ID: "bsi-tr-03183-2/component-version", Title: "component version (or file modification time)", Scope: ScopeComponent, comp: compVersion},
	{ID: "bsi-tr-03183-2/component-filename", Title: "filename of the component", Scope: ScopeComponent, comp: compFilename},
	{ID: "bsi-tr-03183-2/component-dependencies", Title: "dependencies listed, with their completeness stated", Scope: ScopeComponent, comp: compDepsCompleteness},
	{ID: "bsi-tr-03183-2/component-licence", Title: "distribution licence as SPDX expression", Scope: ScopeComponent, comp: compLicence},
	{ID: "bsi-tr-03183-2/component-hash-sha512", Title: "SHA-512 of the deployable component", Scope: ScopeComponent, comp: compSHA512},
	{ID: "bsi-tr-03183-2/component-executable", Title: "executable property", Scope: ScopeComponent, comp: compProp("bsi:component:executable")},
	{ID: "bsi-tr-03183-2/component-archive", Title: "archive property", Scope: ScopeComponent, comp: compProp("bsi:component:archive")},
	{ID: "bsi-tr-03183-2/component-structured", Title: "structured property", Scope: ScopeComponent, comp: compProp("bsi:component:structured")},
}

// ntiaRequirements are the NTIA minimum elements (2021).
var ntiaRequirements = []Requirement{
	{ID: "ntia/author", Title: "author of the SBOM data", Scope: ScopeDocument, doc: ntiaAuthor},
	{ID: "ntia/timestamp", Title: "timestamp of the SBOM", Scope: ScopeDocument, doc: docTimestamp},
	{ID: "ntia/supplier", Title: "supplier name", Scope: ScopeComponent, comp: ntiaSupplier},
	{ID: "ntia/component-name", Title: "component name", Scope: ScopeComponent, comp: compName},
	{ID: "ntia/version", Title: "component version", Scope: ScopeComponent, comp: ntiaVersion},
	{ID: "ntia/unique-identifier", Title: "other unique identifier (purl, CPE, hash)", Scope: ScopeComponent, comp: ntiaUnique},
	{ID: "ntia/dependency-relationship", Title: "dependency relationship", Scope: ScopeComponent, comp: compDepsListed},
}

// --- document level ---

func bsiFormat(d *sbom.Document) string {
	maj, min := versionNums(d.SpecVersion)
	switch d.Format {
	case "CycloneDX":
		if maj > 1 || (maj == 1 && min >= 6) {
			return ""
		}
	case "SPDX":
		if maj > 3 || (maj == 3 && min >= 0 && d.SpecVersion >= "3.0.1") {
			return ""
		}
	}
	return fmt.Sprintf("%s %s is older than the TR requires", d.Format, d.SpecVersion)
}

func versionNums(v string) (int, int) {
	a, b, _ := strings.Cut(v, ".")
	b, _, _ = strings.Cut(b, ".")
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return x, y
}

func docCreator(d *sbom.Document) string {
	for _, p := range d.Creators {
		if p.Contactable() {
			return ""
		}
	}
	if len(d.Creators) > 0 {
		return "creator named without e-mail or URL"
	}
	return "no SBOM creator given"
}

func ntiaAuthor(d *sbom.Document) string {
	for _, p := range d.Creators {
		if p.Name != "" || p.Contactable() {
			return ""
		}
	}
	if len(d.Tools) > 0 {
		return ""
	}
	return "no author of the SBOM data"
}

func docTimestamp(d *sbom.Document) string {
	if d.Timestamp == "" {
		return "no timestamp"
	}
	if _, err := time.Parse(time.RFC3339, d.Timestamp); err != nil {
		return fmt.Sprintf("timestamp %q is not RFC 3339", d.Timestamp)
	}
	return ""
}

func docTimestampUTC(d *sbom.Document) string {
	if m := docTimestamp(d); m != "" {
		return m
	}
	t, _ := time.Parse(time.RFC3339, d.Timestamp)
	if _, off := t.Zone(); off != 0 {
		return fmt.Sprintf("timestamp %q is not in UTC", d.Timestamp)
	}
	return ""
}

func noVulns(d *sbom.Document) string {
	if d.HasVulnerabilities {
		return "the SBOM carries vulnerability data; the TR keeps it out (use a separate VEX or report)"
	}
	return ""
}

// --- component level ---

// constituents returns a component's nested file components: a package
// installed in an image is deployed as those files, so their filenames,
// hashes and properties stand for the package's.
func constituents(d *sbom.Document, c *sbom.Component) []*sbom.Component {
	var out []*sbom.Component
	for _, i := range c.Children {
		if ch := &d.Components[i]; ch.Type == "file" {
			out = append(out, ch)
		}
	}
	return out
}

func viaConstituents(d *sbom.Document, c *sbom.Component, ok func(*sbom.Component) bool, what string) string {
	parts := constituents(d, c)
	if len(parts) == 0 {
		return "no " + what + note(c, what)
	}
	for _, p := range parts {
		if !ok(p) {
			return fmt.Sprintf("no %s, and its file %s lacks one too", what, p.Name)
		}
	}
	return ""
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

var emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func compCreator(_ *sbom.Document, c *sbom.Component) string {
	for _, p := range c.Creators {
		if (p.Email != "" && emailRe.MatchString(p.Email)) || strings.HasPrefix(p.URL, "http") {
			return ""
		}
	}
	if len(c.Creators) > 0 {
		return "creator named without e-mail or URL"
	}
	return "no creator" + note(c, "creator")
}

func compName(_ *sbom.Document, c *sbom.Component) string {
	if strings.TrimSpace(c.Name) == "" {
		return "no name"
	}
	return ""
}

func compVersion(_ *sbom.Document, c *sbom.Component) string {
	if strings.TrimSpace(c.Version) == "" {
		return "no version and no modification time" + note(c, "version")
	}
	return ""
}

func ntiaVersion(_ *sbom.Document, c *sbom.Component) string {
	if strings.TrimSpace(c.Version) == "" {
		return "no version"
	}
	return ""
}

func compFilename(d *sbom.Document, c *sbom.Component) string {
	if c.Filename != "" {
		return ""
	}
	return viaConstituents(d, c, func(p *sbom.Component) bool { return p.Filename != "" }, "filename")
}

func compSHA512(d *sbom.Document, c *sbom.Component) string {
	if isHex(c.Hashes["SHA-512"], 128) {
		return ""
	}
	if v, ok := c.Hashes["SHA-512"]; ok {
		return fmt.Sprintf("SHA-512 %q is not 128 hex digits", v)
	}
	return viaConstituents(d, c, func(p *sbom.Component) bool { return isHex(p.Hashes["SHA-512"], 128) }, "hash")
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

func compProp(name string) func(*sbom.Document, *sbom.Component) string {
	return func(_ *sbom.Document, c *sbom.Component) string {
		if c.Prop(name) != "" {
			return ""
		}
		return "no " + name + " property"
	}
}

func compLicence(_ *sbom.Document, c *sbom.Component) string {
	if len(c.Licences) > 0 {
		return ""
	}
	if len(c.LicenceNames) > 0 {
		return fmt.Sprintf("licence %q is a name, not an SPDX identifier or expression", c.LicenceNames[0])
	}
	return "no licence" + note(c, "licence")
}

func compDepsListed(d *sbom.Document, c *sbom.Component) string {
	if _, ok := d.Deps[c.Ref]; ok {
		return ""
	}
	for _, deps := range d.Deps {
		for _, r := range deps {
			if r == c.Ref {
				return ""
			}
		}
	}
	if c.Parent != "" {
		return "" // nested: its relation to the parent is its dependency relationship
	}
	return "in no dependency relationship"
}

func compDepsCompleteness(d *sbom.Document, c *sbom.Component) string {
	if _, ok := d.Deps[c.Ref]; !ok {
		return "no dependency entry"
	}
	if a := d.Completeness[c.Ref]; a != "" {
		return ""
	}
	return "dependencies listed but their completeness is not stated (no composition names the component)"
}

func ntiaSupplier(_ *sbom.Document, c *sbom.Component) string {
	if c.Supplier != "" {
		return ""
	}
	for _, p := range c.Creators {
		if p.Name != "" {
			return ""
		}
	}
	return "no supplier"
}

func ntiaUnique(_ *sbom.Document, c *sbom.Component) string {
	if c.PURL != "" || c.CPE != "" || len(c.Hashes) > 0 {
		return ""
	}
	return "no purl, CPE or hash"
}
