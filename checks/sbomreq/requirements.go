package sbomreq

import (
	"errors"
	"fmt"
	"net/url"
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

// Level says how strongly the standard asks for a field. The TR has three:
// required (section 5.2.1 / 5.2.2: MUST), additional (5.2.3 / 5.2.4: MUST
// when the information exists, which a checker cannot know, so a missing
// field is reported, never failed) and optional (5.2.5: MAY, reported).
type Level string

const (
	LevelRequired   Level = "required"
	LevelAdditional Level = "additional"
	LevelOptional   Level = "optional"
)

// Requirement is one field a standard asks for, with its catalogue ID.
type Requirement struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Scope Scope  `json:"scope"`
	Level Level  `json:"level"`
	// Section is the section of the standard the requirement follows.
	Section string `json:"section,omitempty"`
	doc     func(d *sbom.Document) verdict
	comp    func(s *subject) verdict
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

// verdict is one requirement judged on one subject.
type verdict struct{ status, msg string }

func ok() verdict                              { return verdict{status: StatusPass} }
func fail(f string, a ...any) verdict          { return mk(StatusFail, f, a) }
func notGiven(f string, a ...any) verdict      { return mk(StatusNotGiven, f, a) }
func advice(f string, a ...any) verdict        { return mk(StatusAdvice, f, a) }
func notApplicable(f string, a ...any) verdict { return mk(StatusNotApplicable, f, a) }

// mk formats a message only when it has arguments: most messages are
// constant and repeat for thousands of components.
func mk(status, f string, a []any) verdict {
	if len(a) == 0 {
		return verdict{status, f}
	}
	return verdict{status, fmt.Sprintf(f, a...)}
}

func pick(pass bool, why verdict) verdict {
	if pass {
		return ok()
	}
	return why
}
func docReq(id, title, sec string, l Level, f func(*sbom.Document) verdict) Requirement {
	return Requirement{ID: id, Title: title, Scope: ScopeDocument, Level: l, Section: sec, doc: f}
}
func compReq(id, title, sec string, l Level, f func(*subject) verdict) Requirement {
	return Requirement{ID: id, Title: title, Scope: ScopeComponent, Level: l, Section: sec, comp: f}
}

const bsi = "bsi-tr-03183-2/"

// bsiRequirements follow BSI TR-03183-2 v2.1.0 section by section: the
// format (4), the SBOM itself (3.1, 5.2.1, 5.2.3), every component
// (5.2.2, 5.2.4, 5.2.5), read where the mapping of section 8.2 puts each
// field. The primary component and everything nested under it are
// components like any other (3.2.1).
var bsiRequirements = []Requirement{
	docReq(bsi+"spec-version", "CycloneDX 1.6 or later, or SPDX 3.0.1 or later (section 4)", "4", LevelRequired, bsiFormat),
	docReq(bsi+"sbom-creator", "SBOM creator with e-mail or URL (section 5.2.1)", "5.2.1", LevelRequired, docCreator),
	docReq(bsi+"sbom-timestamp", "SBOM timestamp, UTC recommended (section 5.2.1)", "5.2.1", LevelRequired, docTimestampBSI),
	docReq(bsi+"sbom-uri", "URI of the SBOM where one exists (section 5.2.3)", "5.2.3", LevelAdditional, docURI),
	docReq(bsi+"no-vulnerabilities", "no vulnerability information inside the SBOM (sections 3.1, 8.1.14)", "3.1", LevelRequired, noVulns),
	compReq(bsi+"component-creator", "component creator (not supplier) with e-mail or URL (sections 5.2.2, 3.2.9)", "5.2.2", LevelRequired, compCreator),
	compReq(bsi+"component-name", "component name (section 5.2.2)", "5.2.2", LevelRequired, compName),
	compReq(bsi+"component-version", "component version or file modification time (section 5.2.2)", "5.2.2", LevelRequired, compVersion),
	compReq(bsi+"component-filename", "file name of the component, not its path (section 5.2.2)", "5.2.2", LevelRequired, compFilename),
	compReq(bsi+"component-dependencies", "dependencies with their completeness stated (sections 5.2.2, 5.1)", "5.2.2", LevelRequired, compDepsCompleteness),
	compReq(bsi+"component-licence", "distribution licence: concluded, as SPDX expression (sections 5.2.2, 6.1, 8.2)", "5.2.2", LevelRequired, compLicence),
	compReq(bsi+"component-hash-sha512", "SHA-512 of the deployable component (sections 5.2.2, 8.2)", "5.2.2", LevelRequired, compSHA512),
	compReq(bsi+"component-executable", "executable property: executable or non-executable (sections 5.2.2, 8.1.4)", "5.2.2", LevelRequired, compValueSet(propExecutable)),
	compReq(bsi+"component-archive", "archive property: archive or no archive (sections 5.2.2, 8.1.5)", "5.2.2", LevelRequired, compValueSet(propArchive)),
	compReq(bsi+"component-structured", "structured property: structured or unstructured (sections 5.2.2, 8.1.6)", "5.2.2", LevelRequired, compValueSet(propStructured)),
	compReq(bsi+"component-source-uri", "source code URI where it exists (section 5.2.4)", "5.2.4", LevelAdditional, compSourceURI),
	compReq(bsi+"component-uri-deployable", "URI of the deployable form where it exists (section 5.2.4)", "5.2.4", LevelAdditional, compDeployableURI),
	compReq(bsi+"component-identifiers", "other unique identifiers (CPE, purl, SWID) where they exist (section 5.2.4)", "5.2.4", LevelAdditional, compIdentifiers),
	compReq(bsi+"component-original-licence", "original licences: declared, as SPDX expression, where they exist (sections 5.2.4, 8.2)", "5.2.4", LevelAdditional, compOriginalLicence),
	compReq(bsi+"component-effective-licence", "effective licence (optional, section 5.2.5)", "5.2.5", LevelOptional, compEffectiveLicence),
	compReq(bsi+"component-source-hash", "hash of the source code (optional, section 5.2.5)", "5.2.5", LevelOptional, compSourceHash),
	compReq(bsi+"component-security-txt", "URL of the creator's security.txt (optional, section 5.2.5)", "5.2.5", LevelOptional, compSecurityTxt),
}

// ntiaRequirements are the NTIA minimum elements (2021), all required.
var ntiaRequirements = []Requirement{
	docReq("ntia/author", "author of the SBOM data", "", LevelRequired, ntiaAuthor),
	docReq("ntia/timestamp", "timestamp of the SBOM", "", LevelRequired, docTimestamp),
	compReq("ntia/supplier", "supplier name", "", LevelRequired, ntiaSupplier),
	compReq("ntia/component-name", "component name", "", LevelRequired, compName),
	compReq("ntia/version", "component version", "", LevelRequired, ntiaVersion),
	compReq("ntia/unique-identifiers", "other unique identifiers (purl, CPE, SWID, hash)", "", LevelRequired, ntiaUnique),
	compReq("ntia/dependency-relationship", "dependency relationship", "", LevelRequired, compDepsListed),
}

// --- document level ---

func bsiFormat(d *sbom.Document) verdict {
	maj, min, patch := versionNums(d.SpecVersion)
	switch d.Format {
	case "CycloneDX":
		if maj > 1 || (maj == 1 && min >= 6) {
			return ok()
		}
	case "SPDX":
		if maj > 3 || (maj == 3 && (min > 0 || patch >= 1)) {
			return ok()
		}
	}
	return fail("%s %s is older than the TR requires (CycloneDX 1.6 or SPDX 3.0.1)", d.Format, d.SpecVersion)
}

func versionNums(v string) (int, int, int) {
	parts := strings.SplitN(v, ".", 3)
	var n [3]int
	for i, p := range parts {
		n[i], _ = strconv.Atoi(p)
	}
	return n[0], n[1], n[2]
}

var emailRe = regexp.MustCompile(`^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$`)

// contact reports whether a party can be reached the way the TR asks: an
// e-mail address, else a URL.
func contact(p sbom.Party) bool {
	return emailRe.MatchString(p.Email) || webURL(p.URL)
}

func webURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// absURI reports whether s is an absolute URI (any scheme, e.g. urn:,
// https:, git+https:).
func absURI(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "" || u.Path != "") && !strings.ContainsAny(s, " \t\n")
}

// creatorVerdict judges a list of parties as the TR's creator: someone
// named as author, manufacturer or originator with a contact; a supplier
// alone does not count (section 3.2.9).
func creatorVerdict(ps []sbom.Party, what string) verdict {
	var named, suppliers bool
	for _, p := range ps {
		switch {
		case p.Creator() && contact(p):
			return ok()
		case p.Creator():
			named = true
		case contact(p):
			suppliers = true
		}
	}
	switch {
	case named:
		return fail("%s named without a valid e-mail address or URL", what)
	case suppliers:
		return fail("only a supplier or publisher is named; the TR asks for the %s (section 3.2.9: the supplier is not the creator)", what)
	}
	return fail("no %s", what)
}

func docCreator(d *sbom.Document) verdict { return creatorVerdict(d.Creators, "SBOM creator") }

func ntiaAuthor(d *sbom.Document) verdict {
	for _, p := range d.Creators {
		if p.Name != "" || p.Email != "" || p.URL != "" {
			return ok()
		}
	}
	return pick(len(d.Tools) > 0, fail("no author of the SBOM data"))
}

func docTimestamp(d *sbom.Document) verdict {
	if d.Timestamp == "" {
		return fail("no timestamp")
	}
	if _, err := time.Parse(time.RFC3339, d.Timestamp); err != nil {
		return fail("timestamp %q is not RFC 3339", d.Timestamp)
	}
	return ok()
}

// docTimestampBSI: a timestamp is required; UTC is only recommended
// (section 5.2.1, note), so another offset is advice, not a failure.
func docTimestampBSI(d *sbom.Document) verdict {
	if v := docTimestamp(d); v.status != StatusPass {
		return v
	}
	t, _ := time.Parse(time.RFC3339, d.Timestamp)
	if _, off := t.Zone(); off != 0 {
		return advice("timestamp %q is not in UTC (the TR recommends UTC)", d.Timestamp)
	}
	return ok()
}

// docURI: CycloneDX's serialNumber, SPDX's document namespace or SPDX 3
// document ID (section 8.2, table 10).
func docURI(d *sbom.Document) verdict {
	u := d.Serial
	if u == "" {
		u = d.URI
	}
	if u == "" {
		return notGiven("no SBOM-URI (serialNumber or document ID); required where one exists")
	}
	return pick(absURI(u), fail("SBOM-URI %q is not an absolute URI", u))
}

func noVulns(d *sbom.Document) verdict {
	return pick(!d.HasVulnerabilities, fail("the SBOM carries vulnerability data; the TR keeps it out (use a separate VEX or CSAF document)"))
}
