package markdown

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

// Renderer writes dossier.md.
type Renderer struct{}

func (Renderer) Name() string { return "md" }
func (Renderer) File() string { return "dossier.md" }

const notIn = "not in the evidence"

type md struct {
	strings.Builder
	d *reports.Data
}

func (m *md) f(format string, a ...any) { fmt.Fprintf(m, format, a...) }

// cell escapes text for a table cell: pipes and line breaks would end it.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

func (m *md) table(header []string, rows [][]string) {
	m.f("| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
	for _, r := range rows {
		cs := make([]string, len(r))
		for i, c := range r {
			cs[i] = cell(c)
		}
		m.f("| %s |\n", strings.Join(cs, " | "))
	}
	m.f("\n")
}

func (m *md) kv(pairs ...string) {
	var rows [][]string
	for i := 0; i+1 < len(pairs); i += 2 {
		rows = append(rows, []string{"**" + pairs[i] + "**", pairs[i+1]})
	}
	m.table([]string{"", ""}, rows)
}

func (m *md) gap(s string) { m.f("_%s_\n\n", s) }

func (m *md) file(f reports.FileRef) string {
	link := fmt.Sprintf("[`%s`](%s)", f.Path, m.d.Href(f))
	if f.SHA256 == "" {
		where := "bundle.json and SHA256SUMS"
		if f.Live {
			where = "SHA256SUMS"
		}
		return link + " (cited by path; hash in " + where + ")"
	}
	return link + " SHA-256 `" + f.SHA256 + "`"
}

func (m *md) files(fs []reports.FileRef) string {
	var out []string
	for _, f := range fs {
		out = append(out, m.file(f))
	}
	return strings.Join(out, "<br>")
}

// Render writes the Markdown document.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	m := &md{d: d}
	r := d.Report
	m.f("# CRA technical documentation: %s\n\n", cell(r.Subject.ProductName+" "+r.Subject.Version))
	var cats []string
	for _, c := range r.Catalogues {
		cats = append(cats, c.ID+" "+c.Edition)
	}
	m.f("Product `%s`%s. Judged at %s (%s) by %s %s. Catalogues: %s.\n", r.Subject.Product, or(" by "+r.Subject.Manufacturer, ""),
		r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource, r.Tool.Name, r.Tool.Version, or(strings.Join(cats, ", "), "none recorded"))
	m.f("Rendered from the evidence only, offline; where the evidence holds nothing for a point, this document says so.\n\n")
	summary(m)
	claims(m)
	general(m)
	design(m)
	risk(m)
	support(m)
	standards(m)
	tests(m)
	conformity(m)
	sbom(m)
	appendix(m)
	_, err := io.WriteString(w, m.String())
	return err
}

func summary(m *md) {
	r, d := m.d.Report, m.d
	s := r.Summary
	m.f("## Executive summary\n\n**Outcome: %s** (exit code %d). %d checks pass, %d fail, %d lack evidence, %d rest on declarations, %d are not applicable, %d are waived and %d could not be judged.\n\n",
		strings.ToUpper(r.Outcome), r.ExitCode(), s.Pass, s.Fail, s.Missing, s.Declared, s.NotApplicable, s.Waived, s.Error)
	for _, p := range r.Problems {
		m.f("- **Bundle verification failed:** `%s`: %s\n", p.Path, p.Reason)
	}
	if len(r.Problems) > 0 {
		m.f("\n")
	}
	header := []string{"ENISA step"}
	for _, st := range charts.Statuses {
		header = append(header, string(st))
	}
	var rows [][]string
	for _, g := range d.Steps {
		row := []string{fmt.Sprintf("%d. %s", g.Step, g.Name)}
		for _, st := range charts.Statuses {
			row = append(row, fmt.Sprint(g.Summary.Count(st)))
		}
		rows = append(rows, row)
	}
	m.table(header, rows)
	m.f("Claims of the ENISA example: %s.\n\n", reports.ClaimsBrief(d.Claims))
	for _, n := range d.Notes {
		m.f("- Evidence that could not be read: %s\n", n)
	}
	if len(d.Notes) > 0 {
		m.f("\n")
	}
}

func claims(m *md) {
	m.f("## %s\n\n", reports.ClaimsTitle)
	var rows [][]string
	for _, c := range m.d.Claims {
		var cks []string
		for _, k := range c.Checks {
			cks = append(cks, "`"+k.Check+"` "+string(k.Status))
		}
		rows = append(rows, []string{c.Claim + " (advisory's evidence: " + c.Expected + ")", string(c.Status),
			or(strings.Join(cks, "<br>"), "no check judged this claim"), or(m.files(c.Files), notIn)})
	}
	m.table([]string{"Claim", "Status", "Checks", "Evidence in this dossier"}, rows)
}

func section(m *md, i int) { m.f("## %s\n\n", reports.AnnexVII[i].Title) }

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return notIn
	case *b:
		return "yes"
	}
	return "no"
}

func counter(c *uint64) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprint(*c)
}

func general(m *md) {
	d := m.d
	section(m, 0)
	m.f("### (a) Intended purpose\n\n")
	if p := d.Product; p != nil {
		m.kv("Manufacturer", strings.Trim(strings.Join([]string{p.Manufacturer.Name, p.Manufacturer.Address, p.Manufacturer.Email, p.Manufacturer.Website}, ", "), ", "),
			"Product", fmt.Sprintf("%s (model %s, id `%s`) %s", p.Product.Name, or(p.Product.Model, "not given"), p.Product.ID, p.Product.Type),
			"Identifiers", or(strings.Join(p.Product.Identifiers, ", "), notIn), "Intended purpose", or(p.Product.IntendedPurpose, notIn),
			"Essential functions", or(strings.Join(p.Product.EssentialFunctions, ", "), notIn), "Hardware", or(strings.Join(p.Product.HardwareIDs, ", "), notIn))
	} else {
		m.gap("product.yaml is not in the evidence: the product and its manufacturer cannot be described.")
	}
	m.f("### (b) Software versions\n\n")
	if mf := d.Manifest; mf != nil {
		pairs := []string{"Release", mf.Version + ", rollback counter " + counter(mf.RollbackCounter)}
		for _, a := range mf.Artefacts {
			pairs = append(pairs, "Artefact", fmt.Sprintf("`%s`, %d bytes, SHA-256 `%s`", a.Name, a.Size, a.SHA256))
		}
		if d.SBOM != nil && d.SBOM.Subject != "" {
			pairs = append(pairs, "SBOM subject", d.SBOM.Subject)
		}
		m.kv(pairs...)
	} else {
		m.gap("The signed manifest is not in the evidence.")
	}
	m.f("### (c) Hardware illustrations\n\n")
	m.gap("Not in the evidence: the bundle carries no photographs or illustrations of the hardware.")
	m.f("### (d) User information (Annex II)\n\n")
	if p := d.Product; p != nil {
		m.kv("Security instructions for users", or(p.UserInstructionsURL, notIn), "Vulnerability contact", or(p.SecurityContact, notIn),
			"CVD policy", or(p.CVDPolicyURL, notIn), "EU declaration of conformity", or(p.DoCURL, notIn), "SBOM for users", or(p.SBOMURL, "not made available (optional)"))
	} else {
		m.gap("Not in the evidence.")
	}
}

func design(m *md) {
	d := m.d
	section(m, 1)
	m.f("### (a) The secure update solution\n\n")
	if p := d.Product; p != nil {
		u := p.Updates
		m.kv("Delivery model", or(u.DeliveryModel, notIn), "Profile", or(u.Profile, notIn), "Automatic security updates", yesNo(u.AutomaticSecurityUpdates),
			"User can postpone", yesNo(u.UserCanPostpone), "Update repository", or(u.RepositoryURL, notIn))
	}
	m.f("#### Keys and their roles\n\n")
	if len(d.Keys) > 0 {
		var rows [][]string
		for _, k := range d.Keys {
			rows = append(rows, []string{k.Role, k.Detail, m.files(k.Files)})
		}
		m.table([]string{"Key", "Role and facts", "Files"}, rows)
	} else {
		m.gap("No keys in the evidence.")
	}
	m.f("#### Signed manifest fields\n\n")
	if mf := d.Manifest; mf != nil {
		m.kv("Applies to", "`"+mf.Product+"` "+mf.Model+", hardware "+strings.Join(mf.HardwareIDs, ", "),
			"Version and anti-rollback", mf.Version+", rollback counter "+counter(mf.RollbackCounter),
			"Freshness", "issued "+mf.Timestamp.UTC().Format(time.RFC3339)+", expires "+mf.Expires.UTC().Format(time.RFC3339),
			"Update type", mf.UpdateType+or(", severity "+mf.Severity, ""), "Advisory", or(mf.AdvisoryURL, "none"),
			"Integrity", fmt.Sprintf("%d artefact(s), each with size, SHA-256 and SHA-512", len(mf.Artefacts)))
	} else {
		m.gap("The signed manifest is not in the evidence.")
	}
	m.f("#### Build provenance\n\n")
	if len(d.Provenance) > 0 {
		for _, f := range d.Provenance {
			m.f("- %s\n", m.file(f))
		}
		m.f("\n")
	} else {
		m.gap("No provenance attestations in the evidence.")
	}
	m.f("### (b) Vulnerability handling\n\n")
	if p := d.Product; p != nil {
		m.f("Vulnerability reports: %s. Coordinated vulnerability disclosure policy: %s.\n\n", or(p.SecurityContact, "contact "+notIn), or(p.CVDPolicyURL, notIn))
	}
	m.f("#### SBOM summary\n\n")
	if s := d.SBOM; s != nil {
		var types []string
		for _, t := range s.Types {
			types = append(types, fmt.Sprintf("%d %s", t.Count, t.Name))
		}
		pairs := []string{"File", m.file(s.File), "Format", "CycloneDX " + s.SpecVersion + or(", created "+s.Timestamp, "") + or(", by "+strings.Join(s.Tools, ", "), ""),
			"Components", fmt.Sprintf("%d (%s)", len(s.Components), strings.Join(types, ", ")),
			"Coverage", fmt.Sprintf("%d with a licence, %d with a purl, %d with a SHA-512 hash; %d dependency entries", s.WithLicence, s.WithPURL, s.WithSHA512, s.Dependencies)}
		for _, f := range s.Imported {
			pairs = append(pairs, "Imported SBOM", m.file(f))
		}
		m.kv(pairs...)
	} else {
		m.gap("No SBOM in the evidence.")
	}
	m.f("#### Vulnerabilities and VEX status\n\n")
	if v := d.Vulns; v != nil {
		var db []string
		for _, x := range v.Database {
			db = append(db, x.Name)
		}
		m.f("Scan results: %s%s. VEX documents: %s.\n\n", m.file(v.File), or(". Database: "+strings.Join(db, "; "), ""), or(m.files(v.VEX), "none"))
		if len(v.Rows) > 0 {
			var rows [][]string
			for _, x := range v.Rows {
				comp := strings.TrimSpace(x.Package + " " + x.Version)
				if x.Fixed != "" {
					comp += " (fixed in " + x.Fixed + ")"
				}
				rows = append(rows, []string{"`" + x.ID + "`" + or(" ("+strings.Join(x.Aliases, ", ")+")", ""), comp, or(x.Severity, "unknown"), charts.VEXLabel(x.VEX), x.Justification})
			}
			m.table([]string{"Vulnerability", "Component", "Severity", "VEX status", "Justification"}, rows)
		} else {
			m.f("The scan matched no vulnerability.\n\n")
		}
	} else {
		m.gap("No vulnerability scan in the evidence.")
	}
	m.f("### (c) Production and monitoring processes\n\n")
	if a := d.Answers; a != nil && len(a.Declarations) > 0 {
		var rows [][]string
		for _, dc := range a.Declarations {
			var ev []string
			for _, e := range dc.Evidence {
				if f, ok := d.File(bundle.EvidenceDir + path.Clean(e)); ok {
					ev = append(ev, m.file(f))
				} else {
					ev = append(ev, "`"+e+"` (not in the bundle)")
				}
			}
			rows = append(rows, []string{"`" + dc.Control + "`", dc.Status, dc.Statement + or(" "+dc.Justification, ""), dc.Owner, or(strings.Join(ev, "<br>"), "none")})
		}
		m.table([]string{"Control", "Declared", "Statement", "Owner", "Evidence"}, rows)
	} else {
		m.gap("No declarations (answers.yaml) in the evidence about production and monitoring.")
	}
}

func risk(m *md) {
	section(m, 2)
	m.f("How each essential requirement of Annex I Part I is addressed, from the checks and declarations mapped to it. A requirement no check or declaration addresses is shown as such: the risk assessment must cover it elsewhere.\n\n")
	var rows [][]string
	for _, r := range m.d.Risk {
		var ck []string
		for _, c := range r.Checks {
			ck = append(ck, "`"+c.Check+"` "+string(c.Status))
		}
		for _, dc := range r.Declarations {
			ck = append(ck, "declared ("+dc.Status+"): "+dc.Statement)
		}
		rows = append(rows, []string{"`" + r.ID + "` " + r.Title, or(string(r.Status), "not addressed"), or(strings.Join(ck, "<br>"), "nothing in the evidence")})
	}
	m.table([]string{"Requirement", "Status", "Checks and declarations"}, rows)
}

func support(m *md) {
	section(m, 3)
	s := m.d.Support
	if s == nil {
		m.gap("The support period is not in the evidence.")
		return
	}
	m.f("Support starts per %s placed on the market and lasts %d years. How it was set: %s\n\n", or(s.StartBasis, "(basis not given)"), s.Years, or(s.Justification, notIn))
	if len(s.Batches) == 0 {
		m.gap("No batches placed on the market are listed.")
		return
	}
	var rows [][]string
	for _, b := range s.Batches {
		end := reports.MonthYear(b.End) + " (" + b.End.Format(time.DateOnly)
		if b.Explicit {
			end += ", set explicitly"
		}
		state := "supported"
		if b.Ended {
			state = "ended"
		}
		rows = append(rows, []string{b.ID, b.Start.Format(time.DateOnly), end + ")", state})
	}
	m.table([]string{"Batch", "Placed on the market", "End of support", "At the reference time " + s.At.UTC().Format(time.DateOnly)}, rows)
}

func standards(m *md) {
	section(m, 4)
	if p := m.d.Product; p != nil && len(p.Standards) > 0 {
		for _, s := range p.Standards {
			m.f("- %s\n", s)
		}
		m.f("\n")
	} else {
		m.gap("No standards listed in product.yaml.")
	}
	var cats []string
	for _, c := range m.d.Report.Catalogues {
		cats = append(cats, "`"+c.ID+"` edition "+c.Edition)
	}
	m.f("Requirements catalogues the checks are mapped against: %s.\n\n", or(strings.Join(cats, ", "), "none recorded"))
}

func tests(m *md) {
	d := m.d
	section(m, 5)
	m.f("### Check results by ENISA step\n\n")
	for _, g := range d.Steps {
		m.f("#### Step %d — %s: %d pass, %d fail, %d declared, %d missing%s\n\n", g.Step, or(g.Name, "not tied to a step"), g.Summary.Pass, g.Summary.Fail, g.Summary.Declared, g.Summary.Missing, reports.Others(g.Summary))
		var rows [][]string
		for _, r := range g.Results {
			msg := r.Message
			if r.Remediation != "" {
				msg += " Fix: " + r.Remediation
			}
			if w := r.Waiver; w != nil {
				msg += fmt.Sprintf(" Waived by %s until %s: %s", w.Approver, w.Expires.Format(time.DateOnly), w.Justification)
			}
			var fs []string
			for _, f := range r.Findings {
				fs = append(fs, fmt.Sprintf("%s `%s`: %s", f.Status, f.Subject, f.Message))
			}
			if len(fs) > 0 {
				msg += "<br>" + strings.Join(fs, "<br>")
			}
			var ev []string
			for _, e := range r.Evidence {
				ev = append(ev, fmt.Sprintf("[`%s`](%s%s)", e.Path, d.EvidencePrefix, e.Path)+or(" `"+e.SHA256+"`", ""))
			}
			st := string(r.Status)
			if !r.Required {
				st += " (advisory)"
			}
			rows = append(rows, []string{st, fmt.Sprintf("`%s` v%d %s", r.Check, r.Version, r.Title), msg, strings.Join(r.MapsTo, ", "), strings.Join(ev, "<br>")})
		}
		m.table([]string{"Status", "Check", "Result", "Maps to", "Evidence"}, rows)
	}
	m.f("### Reference verifier transcript\n\n")
	for _, t := range d.Transcripts {
		m.f("%s: profile %s, repository %s, trust anchor %s. Verdict: **%s**%s. Transport: %s.\n\n", m.file(t.File), t.Profile, t.Repository, t.Trust,
			t.Verdict, or(" — first failure "+t.Failure, ""), or(t.Transport, "not recorded"))
		var rows [][]string
		for _, s := range t.Steps {
			rows = append(rows, []string{"`" + s.ID + "`", s.Control, fmt.Sprint(s.ENISAStep), s.Verdict, s.Detail})
		}
		m.table([]string{"Step", "Control", "ENISA", "Verdict", "Detail"}, rows)
	}
	if len(d.Transcripts) == 0 {
		m.gap("No verifier transcript in the evidence: the live repository was not checked for this dossier.")
	}
	m.f("### Attack scenarios\n\n")
	for _, a := range d.Attacks {
		m.f("%s: profile %s, client `%s`.\n\n", m.file(a.File), a.Profile, a.Client)
		var rows [][]string
		for _, s := range a.Scenarios {
			rows = append(rows, []string{"`" + s.ID + "`", fmt.Sprint(s.Step), s.Control, s.Expect, s.Verdict, fmt.Sprint(s.ExitCode), s.Detail})
		}
		m.table([]string{"Scenario", "ENISA step", "Control", "Expected", "Verdict", "Exit", "Detail"}, rows)
	}
	if len(d.Attacks) == 0 {
		m.gap("No attack results in the evidence.")
	}
}

func conformity(m *md) {
	section(m, 6)
	if p := m.d.Product; p != nil && p.DoCURL != "" {
		m.f("The EU declaration of conformity is published at <%s>.\n\n", p.DoCURL)
	} else {
		m.gap("No link to the EU declaration of conformity in the evidence.")
	}
}

func sbom(m *md) {
	section(m, 7)
	s := m.d.SBOM
	if s == nil {
		m.gap("No SBOM in the evidence.")
		return
	}
	m.f("The SBOM is enclosed: %s. It lists %d components.\n\n", m.file(s.File), len(s.Components))
	var rows [][]string
	for _, c := range s.Components {
		rows = append(rows, []string{c.Name, c.Version, c.Type, c.Licences, or("`"+c.PURL+"`", "")})
	}
	m.table([]string{"Name", "Version", "Type", "Licences", "purl"}, rows)
}

func appendix(m *md) {
	d, r := m.d, m.d.Report
	m.f("## Waivers\n\n")
	if len(r.Waivers) == 0 {
		m.f("No waivers.\n\n")
	} else {
		var rows [][]string
		for _, w := range r.Waivers {
			rows = append(rows, []string{"`" + w.ID + "`", w.Justification, w.Approver, w.Expires.Format(time.DateOnly), w.State()})
		}
		m.table([]string{"ID", "Justification", "Approver", "Expires", "State"}, rows)
	}
	m.f("## Evidence files\n\nEvery file below is hash-pinned by the signed bundle index or, for live evidence, by the dossier's signed SHA256SUMS.\n\n")
	var rows [][]string
	for _, it := range d.Items {
		f, _ := d.File(it.Path)
		size, sum := fmt.Sprint(it.Size), "`"+f.SHA256+"`"
		if f.SHA256 == "" {
			size, sum = "", "in SHA256SUMS"
		}
		rows = append(rows, []string{fmt.Sprintf("[`%s`](%s)", it.Path, d.Href(f)), it.Role, size, sum})
	}
	for _, l := range d.Live {
		f, _ := d.File(l.Path)
		rows = append(rows, []string{fmt.Sprintf("[`%s`](%s)", l.Path, d.Href(f)), "live evidence", "", "in SHA256SUMS"})
	}
	m.table([]string{"File", "Role", "Size", "SHA-256"}, rows)
	var cats []string
	for _, c := range r.Catalogues {
		cats = append(cats, "`"+c.ID+"` edition "+c.Edition)
	}
	m.f("## Catalogues, tool and reference time\n\nCatalogues: %s. Produced by %s %s. Reference time %s (%s).\n",
		or(strings.Join(cats, "; "), "none recorded"), r.Tool.Name, r.Tool.Version, r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource)
}
