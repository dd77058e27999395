package osvscan

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/osv-scanner/v2/pkg/models"
	"github.com/google/osv-scanner/v2/pkg/osvscanner"
	"github.com/ossf/osv-schema/bindings/go/osvschema"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
)

// ScannerVersion is the osv-scanner release go.mod pins.
const ScannerVersion = "v2.5.1"

// logOnce sends osv-scanner's slog output away from the user's terminal.
var logOnce sync.Once

// Scan matches the components of a CycloneDX SBOM against the local OSV
// database in dbDir (osv-scalibr/<Ecosystem>/all.zip) with osv-scanner,
// offline, and returns vulns.json. Every component's coverage is recorded:
// one whose ecosystem the database lacks or holds empty is listed as not
// scanned (osv-scanner alone would silently report nothing for it).
func Scan(ctx context.Context, sbomCDX []byte, dbDir string) ([]byte, error) {
	r, err := ScanReport(ctx, sbomCDX, dbDir)
	if err != nil {
		return nil, err
	}
	return r.Marshal()
}

// ScanReport is Scan returning the report before encoding.
func ScanReport(ctx context.Context, sbomCDX []byte, dbDir string) (*vuln.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db, err := vuln.ReadDB(dbDir)
	if err != nil {
		return nil, err
	}
	doc, err := sbom.Decode(sbomCDX)
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	if doc.Format != "CycloneDX" {
		return nil, errors.New("scan: the SBOM must be CycloneDX (import converts SPDX)")
	}
	sum := sha256.Sum256(sbomCDX)
	rep := &vuln.Report{Schema: vuln.Schema, Scanned: true, Scanner: vuln.Tool{Name: "osv-scanner", Version: ScannerVersion},
		Database: db, SBOMSHA256: hex.EncodeToString(sum[:])}

	rep.Coverage = vuln.Cover(doc, db)
	rep.Unscanned = vuln.NotScannedComponents(rep.Coverage)
	comps := components(rep.Coverage)
	rep.Findings = []vuln.Finding{}
	if len(comps) == 0 {
		return rep, nil
	}
	res, err := runScanner(ctx, scanSBOM(comps), dbDir)
	if err != nil {
		return nil, err
	}
	rep.Findings = fromResults(res, comps)
	extra, err := matchMixedCaseGo(dbDir, comps, rep.Findings)
	if err != nil {
		return nil, err
	}
	rep.Findings = append(rep.Findings, extra...)
	return rep, nil
}

// scanSBOM is the CycloneDX document osv-scanner reads: only the components
// whose ecosystem the database holds with records, flat. osv-scanner is
// never asked about an ecosystem the database lacks (it would try to load
// it, fail and report nothing for it). Names are the ones OSV records use.
func scanSBOM(comps []scanComponent) []byte {
	type cdxComponent struct {
		Ref     string `json:"bom-ref"`
		Type    string `json:"type"`
		Name    string `json:"name"`
		Version string `json:"version"`
		PURL    string `json:"purl"`
	}
	doc := struct {
		Format     string         `json:"bomFormat"`
		Spec       string         `json:"specVersion"`
		Version    int            `json:"version"`
		Components []cdxComponent `json:"components"`
	}{Format: "CycloneDX", Spec: "1.6", Version: 1}
	for _, c := range comps {
		doc.Components = append(doc.Components, cdxComponent{Ref: c.Ref, Type: "library", Name: c.name, Version: c.version, PURL: c.purl})
	}
	b, _ := json.Marshal(doc)
	return b
}

// scanComponent is an SBOM component with its OSV coordinates.
type scanComponent struct {
	vuln.Component
	name    string // the package name OSV uses (Go module path, source package, ...)
	version string // the version OSV uses ("1.19.8" for the toolchain's "go1.19.8")
	purl    string // the purl osv-scanner is given
	source  string // the source package matched through, when not the component's own name
}

// components are the components the coverage says the database can match.
func components(cov []vuln.Coverage) []scanComponent {
	var out []scanComponent
	for _, c := range cov {
		if c.Status == vuln.CoverageScanned {
			co := vuln.ScanCoordinates(c.PURL, osvName(c.PURL, c.Name), c.Version)
			out = append(out, scanComponent{Component: c.Component, name: co.Name, version: co.Version, purl: co.PURL, source: co.Source})
		}
	}
	return out
}

// osvName returns the package name OSV records use for a purl: the full
// path for Go modules and Maven group:artifact, otherwise the name.
func osvName(purl, fallback string) string {
	p, err := sbom.ParsePURL(purl)
	if err != nil {
		return fallback
	}
	switch p.Type {
	case "golang":
		if p.Namespace != "" {
			return p.Namespace + "/" + p.Name
		}
	case "maven":
		return p.Namespace + ":" + p.Name
	case "npm", "composer", "swift":
		if p.Namespace != "" {
			return p.Namespace + "/" + p.Name
		}
	}
	return p.Name
}

func runScanner(ctx context.Context, sbomCDX []byte, dbDir string) (models.VulnerabilityResults, error) {
	logOnce.Do(func() { osvscanner.SetLogger(slog.NewTextHandler(io.Discard, nil)) })
	tmp, err := os.MkdirTemp("", "craudit-scan-")
	if err != nil {
		return models.VulnerabilityResults{}, err
	}
	defer os.RemoveAll(tmp)
	// osv-scanner accepts an SBOM as a "lockfile" by its name.
	p := filepath.Join(tmp, "bundle.cdx.json")
	if err := os.WriteFile(p, sbomCDX, 0o600); err != nil {
		return models.VulnerabilityResults{}, err
	}
	abs, err := filepath.Abs(dbDir)
	if err != nil {
		return models.VulnerabilityResults{}, err
	}
	res, err := osvscanner.DoScan(osvscanner.ScannerActions{
		LockfilePaths:         []string{p},
		CompareOffline:        true,
		LocalDBPath:           abs,
		PluginNetworkDisabled: true,
		ShowAllVulns:          true,
	})
	if err != nil && !errors.Is(err, osvscanner.ErrVulnerabilitiesFound) && !errors.Is(err, osvscanner.ErrNoPackagesFound) {
		return res, fmt.Errorf("osv-scanner: %w", err)
	}
	return res, ctx.Err()
}

func fromResults(res models.VulnerabilityResults, comps []scanComponent) []vuln.Finding {
	var out []vuln.Finding
	seen := map[string]bool{}
	idx := indexComponents(comps)
	for _, src := range res.Results {
		for _, pv := range src.Packages {
			scores := map[string]string{}
			for _, g := range pv.Groups {
				for _, id := range g.IDs {
					scores[id] = g.MaxSeverity
				}
			}
			for _, c := range idx.match(pv.Package) {
				for _, v := range pv.Vulnerabilities {
					key := v.GetId() + "\x00" + c.Ref
					if seen[key] {
						continue
					}
					seen[key] = true
					f := finding(v, c, c.name, pv.Package.Ecosystem)
					f.Score = scores[v.GetId()]
					f.Severity = vuln.SeverityFromScore(f.Score)
					f.MatchedBy = "osv-scanner " + ScannerVersion
					if c.source != "" {
						f.MatchedBy += " through the source package " + c.source + " " + c.version
					}
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// componentIndex finds components by ecosystem, version and any of the
// names match compares, so matching a scan of N components with M vulnerable
// packages costs N+M, not N*M (10,000 x 1,000 took half a second).
type componentIndex struct {
	comps []scanComponent
	by    map[string][]int
}

func indexKey(eco, version, name string) string {
	return eco + "\x00" + version + "\x00" + strings.ToLower(name)
}

func indexComponents(comps []scanComponent) *componentIndex {
	x := &componentIndex{comps: comps, by: map[string][]int{}}
	for i, c := range comps {
		last := c.name[strings.LastIndexAny(c.name, "/:")+1:]
		for _, n := range []string{c.name, c.Name, last} {
			k := indexKey(c.Ecosystem, c.version, n)
			if l := x.by[k]; len(l) == 0 || l[len(l)-1] != i {
				x.by[k] = append(l, i)
			}
		}
	}
	return x
}

// match is match over the candidates the index gives, in SBOM order.
func (x *componentIndex) match(p models.PackageInfo) []scanComponent {
	eco, _, _ := strings.Cut(p.Ecosystem, ":")
	var cand []int
	for _, n := range []string{p.Name, p.OSPackageName} {
		if n != "" {
			cand = append(cand, x.by[indexKey(eco, p.Version, n)]...)
		}
	}
	slices.Sort(cand)
	cand = slices.Compact(cand)
	sub := make([]scanComponent, 0, len(cand))
	for _, i := range cand {
		sub = append(sub, x.comps[i])
	}
	return match(sub, p)
}

// match finds the SBOM components osv-scanner's package stands for.
func match(comps []scanComponent, p models.PackageInfo) []scanComponent {
	var out []scanComponent
	eco, _, _ := strings.Cut(p.Ecosystem, ":")
	for _, c := range comps {
		// osv-scanner sometimes reports only the last part of a namespaced
		// name (composer "psr7" for guzzlehttp/psr7, Maven artifact IDs).
		last := c.name[strings.LastIndexAny(c.name, "/:")+1:]
		if c.Ecosystem == eco && c.version == p.Version &&
			(strings.EqualFold(c.name, p.Name) || strings.EqualFold(c.Name, p.Name) || strings.EqualFold(last, p.Name) ||
				(p.OSPackageName != "" && strings.EqualFold(c.Name, p.OSPackageName))) {
			out = append(out, c)
		}
	}
	return out
}

func finding(v *osvschema.Vulnerability, c scanComponent, pkgName, eco string) vuln.Finding {
	f := vuln.Finding{ID: v.GetId(), Summary: v.GetSummary(), Component: c.Component}
	aliases := append(slices.Clone(v.GetAliases()), v.GetUpstream()...)
	slices.Sort(aliases)
	f.Aliases = slices.Compact(aliases)
	if f.Aliases == nil {
		f.Aliases = []string{}
	}
	if t := v.GetPublished(); t != nil {
		f.Published = t.AsTime().UTC().Format(time.RFC3339)
	}
	if t := v.GetModified(); t != nil {
		f.Modified = t.AsTime().UTC().Format(time.RFC3339)
	}
	base, _, _ := strings.Cut(eco, ":")
	for _, a := range v.GetAffected() {
		ab, _, _ := strings.Cut(a.GetPackage().GetEcosystem(), ":")
		if ab != base || !strings.EqualFold(a.GetPackage().GetName(), pkgName) {
			continue
		}
		for _, r := range a.GetRanges() {
			for _, e := range r.GetEvents() {
				if e.GetFixed() != "" && f.FixedVersion == "" {
					f.FixedVersion = e.GetFixed()
				}
			}
		}
	}
	return f
}
