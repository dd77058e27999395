package vuln

import (
	"fmt"
	"strings"

	"github.com/craudit/craudit/evidence/sbom"
)

// Coverage states, per SBOM component, what the scan could do with it.
const (
	// CoverageScanned: the component's ecosystem is in the database with records.
	CoverageScanned = "scanned"
	// CoverageNotScanned: no database record could ever match the component; Reason
	// says why. It counts against vuln/scan-present unless a waiver names it.
	CoverageNotScanned = "not scanned"
	// CoveragePartOf: a file installed by a package, judged with that package
	// (CoveredBy), or a release image whose listed parts are judged one by
	// one.
	CoveragePartOf = "judged through another component"
)

// Coverage records which database ecosystem covered one SBOM component.
type Coverage struct {
	Component
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// CoveredBy is the ref of the component this one is judged with.
	CoveredBy string `json:"covered_by,omitempty"`
}

// containerTypes are CycloneDX component types that stand for an image
// made of other components rather than for code of their own.
var containerTypes = map[string]bool{"firmware": true, "operating-system": true, "container": true, "platform": true}

// Cover decides, for every component of doc, whether the database db
// covers it. Nothing is assumed covered: a component without a package URL,
// a package URL type without an OSV ecosystem, an ecosystem the database
// lacks, and one it holds with zero records are all "not scanned", with the
// reason. Two cases are judged through other components: files a package
// installed (sub-components of a component with a package URL) go with
// their package, and a firmware, operating-system or container image whose
// parts the SBOM lists is judged by those parts.
func Cover(doc *sbom.Document, db *DBInfo) []Coverage {
	out := make([]Coverage, 0, len(doc.Components))
	byRef := make(map[string]int, len(doc.Components))
	for i := range doc.Components {
		c := &doc.Components[i]
		eco := EcosystemOf(c.PURL)
		cov := Coverage{Component: Component{Ref: c.Ref, Name: c.Name, Version: c.Version, PURL: c.PURL, Ecosystem: eco}}
		parent, hasParent := byRef[c.Parent]
		switch {
		case eco != "":
			cov.Status, cov.Reason = ecosystemCoverage(db, eco)
		case c.Parent != "" && hasParent && out[parent].PURL != "":
			cov.Status, cov.CoveredBy = CoveragePartOf, c.Parent
			p := out[parent]
			cov.Reason = fmt.Sprintf("installed by %s %s, judged with it (%s)", p.Name, p.Version, p.Status)
		case containerTypes[c.Type] && (len(c.Children) > 0 || len(doc.Deps[c.Ref]) > 0):
			n := len(c.Children) + len(doc.Deps[c.Ref])
			cov.Status, cov.Reason = CoveragePartOf, fmt.Sprintf("a %s image whose %d listed parts are judged one by one", c.Type, n)
		case c.PURL == "":
			cov.Status, cov.Reason = CoverageNotScanned, "no package URL, so no advisory database can match it"
		default:
			cov.Status, cov.Reason = CoverageNotScanned, "no OSV ecosystem for "+purlKind(c.PURL)
		}
		if c.Ref != "" {
			byRef[c.Ref] = len(out)
		}
		out = append(out, cov)
	}
	return out
}

// ecosystemCoverage says whether an ecosystem can match anything.
func ecosystemCoverage(db *DBInfo, eco string) (string, string) {
	e, ok := db.Ecosystem(eco)
	switch {
	case !ok:
		return CoverageNotScanned, fmt.Sprintf("the database has no %s ecosystem (osv-scalibr/%s/all.zip)", eco, eco)
	case e.Records == 0:
		return CoverageNotScanned, fmt.Sprintf("the database's %s ecosystem holds no records", eco)
	}
	return CoverageScanned, ""
}

// purlKind names a purl's type (and namespace for distribution types).
func purlKind(purl string) string {
	rest, _ := strings.CutPrefix(purl, "pkg:")
	typ, after, _ := strings.Cut(rest, "/")
	switch strings.ToLower(typ) {
	case "apk", "deb", "rpm":
		ns, _, _ := strings.Cut(after, "/")
		return "pkg:" + typ + "/" + ns + " packages"
	}
	return "pkg:" + typ + " packages"
}

// NotScannedComponents returns the components coverage marks not scanned.
func NotScannedComponents(cov []Coverage) []Component {
	out := []Component{}
	for _, c := range cov {
		if c.Status == CoverageNotScanned {
			out = append(out, c.Component)
		}
	}
	return out
}
