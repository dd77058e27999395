package sbomcheck

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/sbomreq"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vex"
	"github.com/craudit/craudit/evidence/vuln"
)

// Checks returns the SBOM, vulnerability and VEX checks, as a plain list.
func Checks() []checks.Check {
	return []checks.Check{
		checks.Func{I: infoPresent, F: runPresent},
		checks.Func{I: infoCovers, F: runCovers},
		checks.Func{I: infoBSI, F: runBSI},
		checks.Func{I: infoScan, F: runScan},
		checks.Func{I: infoFresh, F: runFresh},
		checks.Func{I: infoKnown, F: runKnown},
		checks.Func{I: infoSeverity, F: runSeverity},
		checks.Func{I: infoUnmatched, F: runUnmatched},
	}
}

var infoPresent = checks.Info{
	ID: "sbom/present", Version: 1, Title: "The release has a machine-readable SBOM", Step: 1,
	MapsTo: []string{"cra/annex-i/part-ii/1", "cra/annex-vii/2/b", "enisa/rec/provenance-and-traceability"},
	Basis:  checks.BasisCRA,
	Description: "The bundle must carry sbom.cdx.json, a CycloneDX SBOM of the release that craudit can read. " +
		"CRA Annex I Part II (1) asks for a machine-readable SBOM covering at least the top-level dependencies.",
	Remediation: "Make the bundle with `craudit bundle` (it generates the SBOM with syft) or pass the SBOM you have with --sbom.",
}

var infoCovers = checks.Info{
	ID: "sbom/covers-artefacts", Version: 1, Title: "Every release artefact is a component of the SBOM", Step: 1,
	MapsTo: []string{"cra/annex-i/part-ii/1", "bsi-tr-03183-2/component-hash-sha512"},
	Basis:  checks.BasisCRA,
	Description: "Each artefact listed in bundle.json must appear in sbom.cdx.json as a component with the " +
		"artefact's SHA-512 (or SHA-256), so the SBOM demonstrably describes the bytes being shipped.",
	Remediation: "Regenerate the SBOM from the artefacts being released, or import one that lists them with their hashes.",
}

var infoBSI = checks.Info{
	ID: "sbom/bsi-fields", Version: 1, Title: "The SBOM has the fields BSI TR-03183-2 v2.1.0 requires", Step: 1,
	MapsTo: bsiIDs(),
	Basis:  checks.BasisPractice,
	Description: "Runs `craudit sbom check --standard bsi-tr-03183-2` on sbom.cdx.json: SBOM creator, UTC timestamp, and per " +
		"component creator, name, version, filename, dependencies with completeness, licence, SHA-512 and the " +
		"executable/archive/structured properties. Fields the generator could not know are reported, not invented.",
	Remediation: "Fill the reported gaps at their source (package metadata, product.yaml licence and creator), then rebuild the bundle.",
}

var infoScan = checks.Info{
	ID: "vuln/scan-present", Version: 2, Title: "Every component of the release's SBOM was scanned for known vulnerabilities", Step: 1,
	MapsTo: []string{"cra/annex-i/part-ii/1", "cra/annex-i/part-i/2/a", "enisa/rec/dependency-check"},
	Basis:  checks.BasisCRA,
	Description: "vulns.json must record a scan of exactly this sbom.cdx.json against an OSV database, with the " +
		"database's provenance and, per component, the ecosystem that covered it. A component is not scanned when " +
		"the database lacks its ecosystem, holds it with zero records, or no advisory ecosystem exists for it (no " +
		"package URL, e.g. the manufacturer's own files); each is a failing finding " +
		"(vuln/scan-present#<purl or SBOM ref>) that a policy waiver with a justification may accept. Components " +
		"without an ecosystem that the policy's own_components declares the manufacturer's own are shown as out of " +
		"scope of public databases, with where their advisories are published. Files a " +
		"package installed are judged with their package, and a firmware image by its listed parts. A bundle made " +
		"without a scan says so, and this check fails on it.",
	Remediation: "Add the missing ecosystems to the OSV database (`craudit db status --sbom` names them; `craudit db update` " +
		"or `db import` fetches them) and rebuild the bundle; for the manufacturer's own components, which no public " +
		"database covers, waive each finding in policy.yaml saying where their advisories are published.",
}

var infoFresh = checks.Info{
	ID: "vuln/db-fresh", Version: 2, Title: "The vulnerability database was recent when the release was scanned", Step: 1,
	MapsTo: []string{"cra/annex-i/part-ii/1", "enisa/rec/dependency-check"},
	Basis:  checks.BasisPractice,
	Description: "For every database ecosystem the scan matched components against, the newest record must be younger " +
		"than the policy's max_osv_db_age at the reference time; an old database hides recently published " +
		"vulnerabilities. An ecosystem whose records carry no usable date (no modified or published time, or the " +
		"zero time) has an unknown age and fails, with or without max_osv_db_age.",
	Remediation: "Refresh the OSV database and rebuild the bundle, or set max_osv_db_age in policy.yaml.",
}

var infoUnmatched = checks.Info{
	ID: "vex/unmatched-statements", Version: 1, Title: "Every VEX statement applies to something in the release", Step: 2,
	MapsTo: []string{"cra/annex-i/part-ii/2", "enisa/rec/advisory-linkage"},
	Basis:  checks.BasisPractice,
	Description: "Each statement of the bundled VEX documents must name the release or one of its SBOM components by " +
		"package URL, and be valid (not_affected needs a justification). A statement that matches nothing would " +
		"otherwise be ignored silently, leaving a vulnerability the author meant to address.",
	Remediation: "Correct the statement's product and subcomponent package URLs (version, qualifiers) or remove the statement.",
}

func bsiIDs() []string {
	reqs, _ := sbomreq.Requirements(sbomreq.StandardBSI)
	out := []string{"cra/annex-i/part-ii/1"}
	for _, r := range reqs {
		out = append(out, r.ID)
	}
	return out
}

func refs(in *checks.Input, paths ...string) []checks.EvidenceRef { return in.Refs(paths...) }

// loadSBOM returns the decoded SBOM; the outcome is set when it cannot be
// used (missing, unreadable or malformed: see checks.StatusOf).
func loadSBOM(in *checks.Input) (*sbom.Document, *checks.Outcome) {
	doc, err := in.SBOM()
	if err != nil {
		return nil, failed(in, err, bundle.SBOMFile)
	}
	return doc, nil
}

// failed turns an accessor error into the outcome of a check that cannot
// go on; evidence that exists is cited.
func failed(in *checks.Input, err error, paths ...string) *checks.Outcome {
	o := checks.Outcome{Status: checks.StatusOf(err), Message: err.Error()}
	if o.Status == checks.Fail {
		o.Evidence = refs(in, paths...)
	}
	return &o
}

func runPresent(_ context.Context, in *checks.Input) checks.Outcome {
	doc, o := loadSBOM(in)
	if o != nil {
		return *o
	}
	ev := refs(in, bundle.SBOMFile)
	if doc.Format != "CycloneDX" {
		return checks.Outcome{Status: checks.Fail, Message: "sbom.cdx.json is " + doc.Format + ", not CycloneDX", Evidence: ev}
	}
	if len(doc.Components) == 0 {
		return checks.Outcome{Status: checks.Fail, Message: "the SBOM lists no components", Evidence: ev}
	}
	msg := fmt.Sprintf("CycloneDX %s SBOM with %d components", doc.SpecVersion, len(doc.Components))
	if in.Bundle != nil && in.Bundle.Index != nil {
		if imp := in.Bundle.Index.ByRole(bundle.RoleSBOMImported); len(imp) > 0 {
			msg += fmt.Sprintf(", converted from %d imported SBOM(s)", len(imp))
			for _, it := range imp {
				ev = append(ev, refs(in, it.Path)...)
			}
		}
	}
	return checks.Outcome{Status: checks.Pass, Message: msg, Evidence: ev}
}

func runCovers(_ context.Context, in *checks.Input) checks.Outcome {
	doc, o := loadSBOM(in)
	if o != nil {
		return *o
	}
	if in.Bundle == nil || in.Bundle.Index == nil {
		return checks.Errorf("bundle index unusable")
	}
	arts := in.Bundle.Index.ByRole(bundle.RoleArtefact)
	if len(arts) == 0 {
		return checks.Outcome{Status: checks.Missing, Message: "the bundle lists no artefacts"}
	}
	var fs []checks.Finding
	open := 0
	for _, it := range arts {
		name := path.Base(it.Path)
		st, msg := checks.Fail, "no SBOM component has this artefact's SHA-512 or SHA-256"
		for i := range doc.Components {
			c := &doc.Components[i]
			if c.Hashes["SHA-512"] == it.SHA512 || c.Hashes["SHA-256"] == it.SHA256 {
				st, msg = checks.Pass, fmt.Sprintf("component %q (%s) carries its hash", c.Name, c.Ref)
				break
			}
		}
		if st == checks.Fail {
			open++
		}
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoCovers.ID, name), Status: st, Subject: it.Path, Message: msg})
	}
	ev := refs(in, bundle.SBOMFile)
	if open > 0 {
		return checks.Outcome{Status: checks.Fail, Message: fmt.Sprintf("%d of %d artefacts are not in the SBOM", open, len(arts)), Evidence: ev, Findings: fs}
	}
	return checks.Outcome{Status: checks.Pass, Message: fmt.Sprintf("all %d artefacts are SBOM components", len(arts)), Evidence: ev, Findings: fs}
}

func runBSI(_ context.Context, in *checks.Input) checks.Outcome {
	doc, o := loadSBOM(in)
	if o != nil {
		return *o
	}
	rep, err := sbomreq.Check(doc, sbomreq.StandardBSI)
	if err != nil {
		return checks.Errorf(err.Error())
	}
	var fs []checks.Finding
	first := map[string]string{}
	for _, r := range rep.Results {
		if r.Status == sbomreq.StatusFail {
			if _, ok := first[r.Requirement]; !ok {
				first[r.Requirement] = r.Subject + ": " + r.Message
			}
		}
	}
	gaps := 0
	for _, c := range rep.Summary {
		st, msg := checks.Pass, fmt.Sprintf("%d of %d subjects meet it", c.Pass, c.Pass+c.Fail)
		if c.Fail > 0 {
			st = checks.Fail
			gaps++
			msg = fmt.Sprintf("%d of %d subjects lack it; first: %s", c.Fail, c.Pass+c.Fail, first[c.Requirement])
		}
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoBSI.ID, c.Requirement), Status: st, Subject: c.Requirement, Message: msg})
	}
	ev := refs(in, bundle.SBOMFile)
	if gaps > 0 {
		return checks.Outcome{Status: checks.Fail, Message: fmt.Sprintf("%d of %d BSI TR-03183-2 requirements have gaps (craudit sbom check lists each)", gaps, len(rep.Summary)), Evidence: ev, Findings: fs}
	}
	return checks.Outcome{Status: checks.Pass, Message: fmt.Sprintf("all %d BSI TR-03183-2 v2.1.0 requirements met for %d components", len(rep.Summary), rep.Components), Evidence: ev, Findings: fs}
}

// loadScan returns the decoded vulns.json; the outcome is set when it
// cannot be used.
func loadScan(in *checks.Input) (*vuln.Report, *checks.Outcome) {
	r, err := in.Vulns()
	if err != nil {
		if checks.StatusOf(err) == checks.Missing {
			o := checks.Outcome{Status: checks.Missing, Message: "the bundle has no " + bundle.VulnsFile + ": no vulnerability scan is recorded"}
			return nil, &o
		}
		return nil, failed(in, err, bundle.VulnsFile)
	}
	return r, nil
}

func runScan(_ context.Context, in *checks.Input) checks.Outcome {
	r, o := loadScan(in)
	if o != nil {
		return *o
	}
	ev := refs(in, bundle.VulnsFile, bundle.SBOMFile)
	if !r.Scanned {
		return checks.Outcome{Status: checks.Fail, Message: "the bundle was made without a vulnerability scan: " + r.NotScannedReason, Evidence: ev}
	}
	if it, ok := sbomItem(in); ok {
		if it.SHA256 != r.SBOMSHA256 {
			return checks.Outcome{Status: checks.Fail, Message: "vulns.json records a scan of another SBOM than sbom.cdx.json", Evidence: ev}
		}
	}
	if r.Coverage == nil {
		return checks.Outcome{Status: checks.Fail, Evidence: ev, Message: "vulns.json records no per-component coverage " +
			"(made before craudit recorded it), so components the database could not match cannot be ruled out; rebuild the bundle"}
	}
	head := fmt.Sprintf("%s %s scanned the SBOM against %d OSV records (%s; newest %s): %d findings",
		r.Scanner.Name, r.Scanner.Version, r.Database.Records, ecoNames(r.Database), dateOr(r.Database.Newest, "undated"), len(r.Findings))
	var fs []checks.Finding
	perEco := map[string]int{}
	names := map[string]string{} // finding ID -> component name
	parts, ownN := 0, 0
	for _, c := range r.Coverage {
		switch c.Status {
		case vuln.CoverageScanned:
			perEco[c.Ecosystem]++
		case vuln.CoverageNotScanned:
			subject := nonEmpty(c.PURL, c.Ref)
			if own := in.Policy.OwnComponent(c.Name, c.PURL, c.Ref); own != nil && c.Ecosystem == "" {
				ownN++
				fs = append(fs, checks.Finding{ID: checks.FindingID(infoScan.ID, subject), Status: checks.NotApplicable, Subject: subject,
					Message: fmt.Sprintf("%s %s: the manufacturer's own component, out of scope of public advisory databases (%s); its advisories: %s (policy own_components)",
						c.Name, c.Version, own.Justification, own.Advisories)})
				continue
			}
			names[checks.FindingID(infoScan.ID, subject)] = strings.TrimSpace(c.Name + " " + c.Version)
			fs = append(fs, checks.Finding{ID: checks.FindingID(infoScan.ID, subject), Status: checks.Fail, Subject: subject,
				Message: fmt.Sprintf("%s %s not scanned: %s", c.Name, c.Version, c.Reason)})
		default:
			parts++
		}
	}
	for eco, n := range perEco {
		e, _ := r.Database.Ecosystem(eco)
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoScan.ID, "ecosystem:"+eco), Status: checks.Pass, Subject: "ecosystem " + eco,
			Message: fmt.Sprintf("%d components scanned against %d %s records", n, e.Records, eco)})
	}
	recount := func(fs []checks.Finding) string {
		var open, waived []string
		for _, f := range fs {
			switch f.Status {
			case checks.Fail:
				open = append(open, nonEmpty(names[f.ID], f.Subject))
			case checks.Waived:
				waived = append(waived, nonEmpty(names[f.ID], f.Subject))
			}
		}
		msg := head + fmt.Sprintf("; components: %d scanned", len(r.Coverage)-parts-ownN-len(open)-len(waived))
		if ownN > 0 {
			msg += fmt.Sprintf(", %d the manufacturer's own (policy own_components)", ownN)
		}
		if parts > 0 {
			msg += fmt.Sprintf(", %d judged with their package or as parts of an image", parts)
		}
		if len(open) > 0 {
			msg += fmt.Sprintf("; %d not scanned: %s", len(open), list(open, 5))
		}
		if len(waived) > 0 {
			msg += fmt.Sprintf("; %d not scanned, waived by policy: %s", len(waived), list(waived, 5))
		}
		return msg
	}
	out := checks.Outcome{Status: checks.Pass, Message: recount(fs), Evidence: ev, Findings: fs, Recount: recount}
	if slices.ContainsFunc(fs, func(f checks.Finding) bool { return f.Status == checks.Fail }) {
		out.Status = checks.Fail
	}
	return out
}

// list names up to max items, then how many more.
func list(items []string, max int) string {
	slices.Sort(items)
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:max], ", ") + fmt.Sprintf(" and %d more", len(items)-max)
}

func dateOr(t time.Time, none string) string {
	if t.IsZero() {
		return none
	}
	return t.Format(time.DateOnly)
}

func ecoNames(d *vuln.DBInfo) string {
	var n []string
	for _, e := range d.Ecosystems {
		n = append(n, e.Name)
	}
	return strings.Join(n, ", ")
}

func runFresh(_ context.Context, in *checks.Input) checks.Outcome {
	r, o := loadScan(in)
	if o != nil {
		return *o
	}
	ev := refs(in, bundle.VulnsFile)
	if !r.Scanned {
		return checks.Outcome{Status: checks.Missing, Message: "no scan recorded, so no database to judge", Evidence: ev}
	}
	// The ecosystems that matched components; every ecosystem of the
	// database when the coverage is not recorded.
	used := map[string]bool{}
	for _, c := range r.Coverage {
		if c.Status == vuln.CoverageScanned {
			used[c.Ecosystem] = true
		}
	}
	max := in.Policy.MaxDBAge()
	var fs []checks.Finding
	failed, oldest := 0, time.Duration(0)
	for _, e := range r.Database.Ecosystems {
		if r.Coverage != nil && !used[e.Name] {
			continue
		}
		f := checks.Finding{ID: checks.FindingID(infoFresh.ID, e.Name), Subject: "ecosystem " + e.Name, Status: checks.Pass}
		age, ok := e.Age(in.RefTime)
		switch {
		case !ok:
			f.Status = checks.Fail
			f.Message = fmt.Sprintf("%d of %d %s records carry no usable modified or published date: the database's age is unknown", e.Undated, e.Records, e.Name)
			if e.Undated == 0 {
				f.Message = fmt.Sprintf("no %s record carries a date: the database's age is unknown", e.Name)
			}
		case max > 0 && age > max:
			f.Status = checks.Fail
			f.Message = fmt.Sprintf("newest %s record (%s) is %s old at the reference time; the policy allows %s", e.Name, e.Newest.Format(time.RFC3339), days(age), days(max))
		default:
			f.Message = fmt.Sprintf("newest %s record (%s) is %s old at the reference time", e.Name, e.Newest.Format(time.RFC3339), days(age))
		}
		if ok && age > oldest {
			oldest = age
		}
		if f.Status == checks.Fail {
			failed++
		}
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		return checks.Outcome{Status: checks.NotApplicable, Evidence: ev, Message: "no component was matched against the database, so its age does not matter (vuln/scan-present judges the coverage)"}
	}
	switch {
	case failed > 0:
		return checks.Outcome{Status: checks.Fail, Evidence: ev, Findings: fs,
			Message: fmt.Sprintf("%d of %d database ecosystems used are too old or of unknown age", failed, len(fs))}
	case max == 0:
		return checks.Outcome{Status: checks.NotApplicable, Evidence: ev, Findings: fs,
			Message: fmt.Sprintf("policy sets no max_osv_db_age; the oldest ecosystem used is %s old at the reference time", days(oldest))}
	}
	return checks.Outcome{Status: checks.Pass, Evidence: ev, Findings: fs,
		Message: fmt.Sprintf("every database ecosystem used (%d) is at most %s old; the policy allows %s", len(fs), days(oldest), days(max))}
}

func days(d time.Duration) string {
	if d < 0 {
		return "0 days (newer than the reference time)"
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

// table returns the release's vulnerability table (built once per Input)
// with the evidence it rests on.
func table(in *checks.Input) (*vex.Table, *vuln.Report, []checks.EvidenceRef, *checks.Outcome) {
	r, o := loadScan(in)
	if o != nil {
		return nil, nil, nil, o
	}
	if _, o := loadSBOM(in); o != nil {
		return nil, nil, nil, o
	}
	ev := refs(in, append([]string{bundle.VulnsFile, bundle.SBOMFile}, in.VEXPaths()...)...)
	t, err := in.VulnTable()
	if err != nil {
		o := *failed(in, err)
		if o.Status == checks.Fail {
			o.Evidence = ev
		}
		return nil, nil, nil, &o
	}
	return t, r, ev, nil
}

func runUnmatched(_ context.Context, in *checks.Input) checks.Outcome {
	if in.Bundle == nil || in.Bundle.Index == nil || len(in.Bundle.Index.ByRole(bundle.RoleVEX)) == 0 {
		return checks.Outcome{Status: checks.NotApplicable, Message: "the bundle carries no VEX documents"}
	}
	t, _, ev, o := table(in)
	if o != nil {
		return *o
	}
	var fs []checks.Finding
	for _, u := range t.Unmatched {
		subject := fmt.Sprintf("%s#statements[%d]", u.Document, u.Statement)
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoUnmatched.ID, subject), Status: checks.Fail, Subject: subject,
			Message: fmt.Sprintf("statement on %s names %s: %s", u.Vulnerability, strings.Join(u.Products, ", "), u.Reason)})
	}
	for _, iv := range t.Invalid {
		subject := fmt.Sprintf("%s#statements[%d]", iv.Document, iv.Statement)
		fs = append(fs, checks.Finding{ID: checks.FindingID(infoUnmatched.ID, subject), Status: checks.Fail, Subject: subject,
			Message: fmt.Sprintf("statement on %s is not applied: %s", iv.Vulnerability, iv.Reason)})
	}
	if len(fs) > 0 {
		return checks.Outcome{Status: checks.Fail, Message: fmt.Sprintf("%d unmatched and %d invalid VEX statements", len(t.Unmatched), len(t.Invalid)), Evidence: ev, Findings: fs}
	}
	return checks.Outcome{Status: checks.Pass, Message: "every VEX statement applies to the release", Evidence: ev}
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sbomItem is the index entry of a verified sbom.cdx.json.
func sbomItem(in *checks.Input) (bundle.Item, bool) {
	if in.Bundle == nil || in.Bundle.Index == nil || in.Bundle.Bad(bundle.SBOMFile) {
		return bundle.Item{}, false
	}
	return in.Bundle.Index.Item(bundle.SBOMFile)
}
