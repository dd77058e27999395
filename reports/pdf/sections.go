package pdf

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

func section(d *doc, i int) { d.heading(0, reports.AnnexVII[i].Title) }

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return notIn
	case *b:
		return "yes"
	}
	return "no"
}

func general(d *doc, data *reports.Data) {
	d.AddPage()
	section(d, 0)
	d.heading(1, "(a) Intended purpose")
	if p := data.Product; p != nil {
		d.kv("Manufacturer", strings.Join(nonEmpty(p.Manufacturer.Name, p.Manufacturer.Address, p.Manufacturer.Email, p.Manufacturer.Website), ", "),
			"Product", fmt.Sprintf("%s (model %s, id %s) %s", p.Product.Name, or(p.Product.Model, "not given"), p.Product.ID, p.Product.Type),
			"Identifiers", or(strings.Join(p.Product.Identifiers, ", "), notIn),
			"Intended purpose", or(p.Product.IntendedPurpose, notIn),
			"Essential functions", or(strings.Join(p.Product.EssentialFunctions, ", "), notIn),
			"Hardware", or(strings.Join(p.Product.HardwareIDs, ", "), notIn))
	} else {
		d.gap("product.yaml is not in the evidence: the product and its manufacturer cannot be described.")
	}
	d.heading(1, "(b) Software versions")
	if m := data.Manifest; m != nil {
		pairs := []string{"Release", fmt.Sprintf("%s, rollback counter %s", m.Version, counter(m.RollbackCounter))}
		for _, a := range m.Artefacts {
			pairs = append(pairs, "Artefact", fmt.Sprintf("%s, %d bytes, SHA-256 %s", a.Name, a.Size, a.SHA256))
		}
		if data.SBOM != nil && data.SBOM.Subject != "" {
			pairs = append(pairs, "SBOM subject", data.SBOM.Subject)
		}
		d.kv(pairs...)
	} else {
		d.gap("The signed manifest is not in the evidence.")
	}
	d.heading(1, "(c) Hardware illustrations")
	d.gap("Not in the evidence: the bundle carries no photographs or illustrations of the hardware.")
	d.heading(1, "(d) User information (Annex II)")
	if p := data.Product; p != nil {
		d.kv("Security instructions for users", or(p.UserInstructionsURL, notIn), "Vulnerability contact", or(p.SecurityContact, notIn),
			"CVD policy", or(p.CVDPolicyURL, notIn), "EU declaration of conformity", or(p.DoCURL, notIn),
			"SBOM for users", or(p.SBOMURL, "not made available (optional)"))
	} else {
		d.gap("Not in the evidence.")
	}
}

func counter(c *uint64) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprint(*c)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func design(d *doc, data *reports.Data) {
	section(d, 1)
	d.heading(1, "(a) The secure update solution")
	if p := data.Product; p != nil {
		u := p.Updates
		d.kv("Delivery model", or(u.DeliveryModel, notIn), "Profile", or(u.Profile, notIn),
			"Automatic security updates", yesNo(u.AutomaticSecurityUpdates), "User can postpone", yesNo(u.UserCanPostpone),
			"Update repository", or(u.RepositoryURL, notIn))
	}
	d.heading(2, "Keys and their roles")
	if len(data.Keys) > 0 {
		var rows [][]cell
		for _, k := range data.Keys {
			var fs []string
			for _, f := range k.Files {
				fs = append(fs, fileCell(data, f))
			}
			rows = append(rows, []cell{{T: k.Role}, {T: k.Detail}, {T: strings.Join(fs, "\n"), Mono: true}})
		}
		d.table([]string{"Key", "Role and facts", "Files"}, []float64{2, 4, 4}, rows)
	} else {
		d.gap("No keys in the evidence.")
	}
	d.heading(2, "Signed manifest fields")
	if m := data.Manifest; m != nil {
		d.kv("Applies to", m.Product+" "+or(m.Model, "")+", hardware "+strings.Join(m.HardwareIDs, ", "),
			"Version and anti-rollback", m.Version+", rollback counter "+counter(m.RollbackCounter),
			"Freshness", "issued "+m.Timestamp.UTC().Format(time.RFC3339)+", expires "+m.Expires.UTC().Format(time.RFC3339),
			"Update type", m.UpdateType+or(", severity "+m.Severity, ""), "Advisory", or(m.AdvisoryURL, "none"),
			"Integrity", fmt.Sprintf("%d artefact(s), each with size, SHA-256 and SHA-512", len(m.Artefacts)))
	} else {
		d.gap("The signed manifest is not in the evidence.")
	}
	d.heading(2, "Build provenance")
	if len(data.Provenance) > 0 {
		for _, f := range data.Provenance {
			d.para(fileCell(data, f))
		}
	} else {
		d.gap("No provenance attestations in the evidence.")
	}

	d.heading(1, "(b) Vulnerability handling")
	if p := data.Product; p != nil {
		d.para(fmt.Sprintf("Vulnerability reports: %s. Coordinated vulnerability disclosure policy: %s.", or(p.SecurityContact, "contact "+notIn), or(p.CVDPolicyURL, notIn)))
	}
	d.heading(2, "SBOM summary")
	if s := data.SBOM; s != nil {
		var types []string
		for _, t := range s.Types {
			types = append(types, fmt.Sprintf("%d %s", t.Count, t.Name))
		}
		pairs := []string{"File", fileCell(data, s.File), "Format", "CycloneDX " + s.SpecVersion + or(", created "+s.Timestamp, "") + or(", by "+strings.Join(s.Tools, ", "), ""),
			"Components", fmt.Sprintf("%d (%s)", len(s.Components), strings.Join(types, ", ")),
			"Coverage", fmt.Sprintf("%d with a licence, %d with a purl, %d with a SHA-512 hash; %d dependency entries", s.WithLicence, s.WithPURL, s.WithSHA512, s.Dependencies)}
		for _, f := range s.Imported {
			pairs = append(pairs, "Imported SBOM", fileCell(data, f))
		}
		d.kv(pairs...)
	} else {
		d.gap("No SBOM in the evidence.")
	}
	d.heading(2, "Vulnerabilities and VEX status")
	if v := data.Vulns; v != nil {
		var db, vex []string
		for _, x := range v.Database {
			db = append(db, x.Name)
		}
		for _, f := range v.VEX {
			vex = append(vex, data.Href(f))
		}
		d.para("Scan results: " + fileCell(data, v.File) + or(". Database: "+strings.Join(db, "; "), "") + ". VEX documents: " + or(strings.Join(vex, ", "), "none") + ".")
		if len(v.Rows) > 0 {
			d.chart(charts.Vulns(v.Rows))
			var rows [][]cell
			for _, x := range v.Rows {
				id := x.ID
				if len(x.Aliases) > 0 {
					id += "\n" + strings.Join(x.Aliases, ", ")
				}
				comp := strings.TrimSpace(x.Package + " " + x.Version)
				if x.Fixed != "" {
					comp += "\nfixed in " + x.Fixed
				}
				rows = append(rows, []cell{{T: id}, {T: comp}, {T: or(x.Severity, "unknown")}, {T: charts.VEXLabel(x.VEX)}, {T: x.Justification}})
			}
			d.table([]string{"Vulnerability", "Component", "Severity", "VEX status", "Justification"}, []float64{3, 3, 1.4, 2, 3}, rows)
		} else {
			d.para("The scan matched no vulnerability.")
		}
	} else {
		d.gap("No vulnerability scan in the evidence.")
	}

	d.heading(1, "(c) Production and monitoring processes")
	if a := data.Answers; a != nil && len(a.Declarations) > 0 {
		var rows [][]cell
		for _, dc := range a.Declarations {
			var ev []string
			for _, e := range dc.Evidence {
				if f, ok := data.File(bundle.EvidenceDir + path.Clean(e)); ok {
					ev = append(ev, fileCell(data, f))
				} else {
					ev = append(ev, e+" (not in the bundle)")
				}
			}
			rows = append(rows, []cell{{T: dc.Control}, {T: dc.Status}, {T: dc.Statement + or("\n"+dc.Justification, "")}, {T: dc.Owner},
				{T: or(strings.Join(ev, "\n"), "none"), Mono: true}})
		}
		d.table([]string{"Control", "Declared", "Statement", "Owner", "Evidence"}, []float64{2.2, 1.3, 4, 1.5, 4}, rows)
	} else {
		d.gap("No declarations (answers.yaml) in the evidence about production and monitoring.")
	}
}

func risk(d *doc, data *reports.Data) {
	section(d, 2)
	d.para("How each essential requirement of Annex I Part I is addressed, from the checks and declarations mapped to it. A requirement no check or declaration addresses is shown as such: the risk assessment must cover it elsewhere.")
	var rows [][]cell
	for _, r := range data.Risk {
		st := cell{T: "not addressed"}
		if r.Status != "" {
			st = status(r.Status)
		}
		var ck []string
		for _, c := range r.Checks {
			ck = append(ck, c.Check+": "+string(c.Status))
		}
		for _, dc := range r.Declarations {
			ck = append(ck, "Declared ("+dc.Status+"): "+dc.Statement)
		}
		rows = append(rows, []cell{{T: r.ID + "\n" + r.Title}, st, {T: or(strings.Join(ck, "\n"), "nothing in the evidence")}})
	}
	d.table([]string{"Requirement", "Status", "Checks and declarations"}, []float64{4, 1.4, 5}, rows)
}

func support(d *doc, data *reports.Data) {
	section(d, 3)
	s := data.Support
	if s == nil {
		d.gap("The support period is not in the evidence.")
		return
	}
	d.para(fmt.Sprintf("Support starts per %s placed on the market and lasts %d years. How it was set: %s", or(s.StartBasis, "(basis not given)"), s.Years, or(s.Justification, notIn)))
	if len(s.Batches) == 0 {
		d.gap("No batches placed on the market are listed.")
		return
	}
	d.chart(charts.Support(s))
	var rows [][]cell
	for _, b := range s.Batches {
		end := reports.MonthYear(b.End) + " (" + b.End.Format(time.DateOnly)
		if b.Explicit {
			end += ", set explicitly"
		}
		state := "supported"
		if b.Ended {
			state = "ended"
		}
		rows = append(rows, txt(b.ID, b.Start.Format(time.DateOnly), end+")", state))
	}
	d.table([]string{"Batch", "Placed on the market", "End of support", "At the reference time"}, []float64{2, 2, 3, 2}, rows)
}

func standards(d *doc, data *reports.Data) {
	section(d, 4)
	if p := data.Product; p != nil && len(p.Standards) > 0 {
		for _, s := range p.Standards {
			d.para("• " + s)
		}
	} else {
		d.gap("No standards listed in product.yaml.")
	}
	var cats []string
	for _, c := range data.Report.Catalogues {
		cats = append(cats, c.ID+" edition "+c.Edition)
	}
	d.para("Requirements catalogues the checks are mapped against: " + or(strings.Join(cats, ", "), "none recorded") + ".")
}

func tests(d *doc, data *reports.Data) {
	section(d, 5)
	d.heading(1, "Check results by ENISA step")
	for _, g := range data.Steps {
		d.heading(2, fmt.Sprintf("Step %d — %s: %d pass, %d fail, %d declared, %d missing", g.Step, or(g.Name, "not tied to a step"),
			g.Summary.Pass, g.Summary.Fail, g.Summary.Declared, g.Summary.Missing)+reports.Others(g.Summary))
		var rows [][]cell
		for _, r := range g.Results {
			msg := r.Message
			if r.Remediation != "" {
				msg += "\nFix: " + r.Remediation
			}
			if w := r.Waiver; w != nil {
				msg += fmt.Sprintf("\nWaived by %s until %s: %s", w.Approver, w.Expires.Format(time.DateOnly), w.Justification)
			}
			shown := 0
			for _, f := range r.Findings {
				if shown == 10 {
					msg += fmt.Sprintf("\n… %d more findings in results.json", len(r.Findings)-shown)
					break
				}
				msg += fmt.Sprintf("\n[%s] %s: %s", f.Status, f.Subject, f.Message)
				shown++
			}
			var ev []string
			for _, e := range r.Evidence {
				ev = append(ev, data.EvidencePrefix+e.Path+or(" "+shortHash(e.SHA256), ""))
			}
			st := status(r.Status)
			if !r.Required {
				st.T += "\n(advisory)"
			}
			rows = append(rows, []cell{st, {T: fmt.Sprintf("%s v%d\n%s", r.Check, r.Version, r.Title)}, {T: msg}, {T: strings.Join(ev, "\n"), Mono: true}})
		}
		d.table([]string{"Status", "Check", "Result", "Evidence"}, []float64{1.4, 3, 5, 3.5}, rows)
	}
	d.heading(1, "Reference verifier transcript")
	for _, t := range data.Transcripts {
		d.para(fmt.Sprintf("%s: profile %s, repository %s, trust anchor %s. Verdict: %s%s. Transport: %s.", fileCell(data, t.File), t.Profile, t.Repository, t.Trust,
			t.Verdict, or(" — first failure "+t.Failure, ""), or(t.Transport, "not recorded")))
		var rows [][]cell
		for _, s := range t.Steps {
			rows = append(rows, txt(s.ID, s.Control, fmt.Sprint(s.ENISAStep), s.Verdict, s.Detail))
		}
		d.table([]string{"Step", "Control", "ENISA", "Verdict", "Detail"}, []float64{2.5, 1.8, 1, 1.2, 6}, rows)
	}
	if len(data.Transcripts) == 0 {
		d.gap("No verifier transcript in the evidence: the live repository was not checked for this dossier.")
	}
	d.heading(1, "Attack scenarios")
	for _, a := range data.Attacks {
		d.para(fmt.Sprintf("%s: profile %s, client %s.", fileCell(data, a.File), a.Profile, a.Client))
		var rows [][]cell
		for _, s := range a.Scenarios {
			rows = append(rows, txt(s.ID, fmt.Sprint(s.Step), s.Control, s.Expect, s.Verdict, fmt.Sprint(s.ExitCode), s.Detail))
		}
		d.table([]string{"Scenario", "Step", "Control", "Expected", "Verdict", "Exit", "Detail"}, []float64{2.5, 0.8, 1.6, 1.4, 1.6, 0.8, 5}, rows)
	}
	if len(data.Attacks) == 0 {
		d.gap("No attack results in the evidence.")
	}
}

func shortHash(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

func conformity(d *doc, data *reports.Data) {
	section(d, 6)
	if p := data.Product; p != nil && p.DoCURL != "" {
		d.para("The EU declaration of conformity is published at " + p.DoCURL + ".")
	} else {
		d.gap("No link to the EU declaration of conformity in the evidence.")
	}
}

func sbom(d *doc, data *reports.Data) {
	section(d, 7)
	s := data.SBOM
	if s == nil {
		d.gap("No SBOM in the evidence.")
		return
	}
	d.para("The SBOM is enclosed: " + fileCell(data, s.File) + ".")
	var rows [][]cell
	for i, c := range s.Components {
		if i == maxComponents {
			break
		}
		rows = append(rows, []cell{{T: c.Name}, {T: c.Version}, {T: c.Type}, {T: c.Licences}, {T: c.PURL, Mono: true}})
	}
	d.table([]string{"Name", "Version", "Type", "Licences", "purl"}, []float64{2.5, 1.6, 1.2, 2, 5}, rows)
	if n := len(s.Components); n > maxComponents {
		d.para(fmt.Sprintf("The first %d of %d components are listed; the enclosed SBOM and index.html list all of them.", maxComponents, n))
	}
}

func appendix(d *doc, data *reports.Data) {
	r := data.Report
	d.heading(0, "Waivers")
	if len(r.Waivers) == 0 {
		d.para("No waivers.")
	} else {
		var rows [][]cell
		for _, w := range r.Waivers {
			rows = append(rows, txt(w.ID, w.Justification, w.Approver, w.Expires.Format(time.DateOnly), w.State()))
		}
		d.table([]string{"ID", "Justification", "Approver", "Expires", "State"}, []float64{3, 4, 2, 1.5, 1.5}, rows)
	}
	d.heading(0, "Evidence files")
	d.para("Every file below is hash-pinned by the signed bundle index or, for live evidence, by the dossier's signed SHA256SUMS.")
	var rows [][]cell
	for _, it := range data.Items {
		f, _ := data.File(it.Path)
		size, sum := fmt.Sprint(it.Size), f.SHA256
		if sum == "" {
			size, sum = "", "in SHA256SUMS"
		}
		rows = append(rows, []cell{{T: data.Href(f), Mono: true}, {T: it.Role}, {T: size}, {T: sum, Mono: true}})
	}
	for _, l := range data.Live {
		f, _ := data.File(l.Path)
		rows = append(rows, []cell{{T: data.Href(f), Mono: true}, {T: "live evidence"}, {}, {T: "in SHA256SUMS"}})
	}
	d.table([]string{"File", "Role", "Size", "SHA-256"}, []float64{4, 2, 1.2, 5}, rows)
	d.heading(0, "Catalogues, tool and reference time")
	var cats []string
	for _, c := range r.Catalogues {
		cats = append(cats, c.ID+" edition "+c.Edition)
	}
	d.para(fmt.Sprintf("Catalogues: %s. Produced by %s %s. Reference time %s (%s).", or(strings.Join(cats, "; "), "none recorded"),
		r.Tool.Name, r.Tool.Version, r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource))
}
