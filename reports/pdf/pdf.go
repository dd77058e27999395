package pdf

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/charts"
)

// Renderer writes dossier.pdf.
type Renderer struct{}

func (Renderer) Name() string { return "pdf" }
func (Renderer) File() string { return "dossier.pdf" }

// maxComponents bounds the SBOM component table of the PDF; the SBOM file
// itself is enclosed and index.html lists every component.
const maxComponents = 500

// Render lays the dossier out and writes the PDF.
func (Renderer) Render(w io.Writer, data *reports.Data) error {
	r := data.Report
	title := fmt.Sprintf("CRA technical documentation: %s %s", r.Subject.ProductName, r.Subject.Version)
	d := newDoc(title)
	at := r.ReferenceTime.UTC()
	d.SetCreationDate(at)
	d.SetModificationDate(at)
	d.SetCatalogSort(true)
	d.SetTitle(d.title, true)
	d.SetAuthor(clean(r.Subject.Manufacturer), true)
	d.SetCreator(clean(r.Tool.Name+" "+r.Tool.Version), true)
	d.SetProducer(clean(r.Tool.Name), true)

	d.AddPage()
	summary(d, data)
	d.AddPage() // the contents, filled in at the end
	tocPage := d.PageNo()
	d.AddPage()
	claims(d, data)
	general(d, data)
	design(d, data)
	risk(d, data)
	support(d, data)
	standards(d, data)
	tests(d, data)
	conformity(d, data)
	sbom(d, data)
	appendix(d, data)
	d.writeTOC(tocPage)
	if err := d.Error(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

const notIn = "not in the evidence"

func status(st checks.Status) cell {
	return cell{T: string(st), Colour: charts.StatusColour[st]}
}

func fileCell(data *reports.Data, f reports.FileRef) string {
	if f.SHA256 == "" {
		where := "bundle.json and SHA256SUMS"
		if f.Live {
			where = "SHA256SUMS"
		}
		return data.Href(f) + "\n(cited by path; hash in " + where + ")"
	}
	return data.Href(f) + "\nSHA-256 " + f.SHA256
}

func summary(d *doc, data *reports.Data) {
	r := data.Report
	d.font("B", 17)
	d.MultiCell(width, 7.5, d.title, "", "L", false)
	d.font("", smallPt+0.5)
	d.SetTextColor(90, 90, 90)
	cats := []string{}
	for _, c := range r.Catalogues {
		cats = append(cats, c.ID+" "+c.Edition)
	}
	d.MultiCell(width, 3.8, clean(fmt.Sprintf("Product %s by %s. Judged at %s (%s) by %s %s. Catalogues: %s. Rendered from the evidence only, offline; where the evidence holds nothing for a point, this document says so.",
		r.Subject.Product, or(r.Subject.Manufacturer, "(manufacturer not given)"), r.ReferenceTime.UTC().Format(time.RFC3339), r.TimeSource,
		r.Tool.Name, r.Tool.Version, or(strings.Join(cats, ", "), "none recorded"))), "", "L", false)
	d.SetTextColor(0, 0, 0)
	d.Ln(2)
	d.heading(0, "Executive summary")
	s := r.Summary
	r0, g0, b0 := charts.RGB(map[string]string{"passed": "#2e7d32", "failed": "#c62828"}[r.Outcome])
	d.font("B", 12)
	d.SetTextColor(r0, g0, b0)
	d.CellFormat(width, 6, fmt.Sprintf("Outcome: %s (exit code %d)", strings.ToUpper(r.Outcome), r.ExitCode()), "", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.para(fmt.Sprintf("%d checks pass, %d fail, %d lack evidence, %d rest on declarations, %d are not applicable, %d are waived and %d could not be judged.",
		s.Pass, s.Fail, s.Missing, s.Declared, s.NotApplicable, s.Waived, s.Error))
	for _, p := range r.Problems {
		d.gap("Bundle verification failed: " + p.Path + ": " + p.Reason)
	}
	d.chart(charts.Steps(data.Steps))
	header := []string{"ENISA step"}
	widths := []float64{3}
	for _, st := range charts.Statuses {
		header, widths = append(header, string(st)), append(widths, 1.2)
	}
	var steps [][]cell
	for _, g := range data.Steps {
		row := []cell{{T: fmt.Sprintf("%d. %s", g.Step, g.Name)}}
		for _, st := range charts.Statuses {
			row = append(row, cell{T: fmt.Sprint(g.Summary.Count(st))})
		}
		steps = append(steps, row)
	}
	d.table(header, widths, steps)
	vul := notIn
	if v := data.Vulns; v != nil {
		vul = fmt.Sprintf("%d matched%s", len(v.Rows), vexBrief(v.Rows))
	}
	sb := notIn
	if data.SBOM != nil {
		sb = fmt.Sprintf("%d components, CycloneDX %s", len(data.SBOM.Components), data.SBOM.SpecVersion)
	}
	sup := notIn
	if data.Support != nil {
		var ends []string
		for _, b := range data.Support.Batches {
			ends = append(ends, b.ID+": "+reports.MonthYear(b.End))
		}
		sup = or(strings.Join(ends, "; "), "no batches given")
	}
	var lives, atts []string
	for _, t := range data.Transcripts {
		lives = append(lives, t.Verdict+" ("+t.Profile+" profile)")
	}
	for _, a := range data.Attacks {
		var parts []string
		for _, v := range a.Verdicts {
			parts = append(parts, fmt.Sprintf("%d %s", v.Count, v.Name))
		}
		atts = append(atts, a.Profile+": "+strings.Join(parts, ", "))
	}
	live, att := or(strings.Join(lives, "; "), notIn), or(strings.Join(atts, "; "), notIn)
	rel := or(r.Subject.Version, notIn)
	if m := data.Manifest; m != nil {
		rel += " (" + m.UpdateType + or(", severity "+m.Severity, "") + ")"
		if m.Severity == "" {
			rel = r.Subject.Version + " (" + m.UpdateType + ")"
		}
	}
	d.kv("Release", rel, "Claims (ENISA example)", reports.ClaimsBrief(data.Claims), "Vulnerabilities", vul, "SBOM", sb,
		"Support ends", sup, "Live verifier", live, "Attack scenarios", att, "Waivers", fmt.Sprint(len(r.Waivers)))
	for _, n := range data.Notes {
		d.gap("Evidence that could not be read: " + n)
	}
}

func vexBrief(rows []reports.Vuln) string {
	n := map[string]int{}
	for _, r := range rows {
		n[r.VEX]++
	}
	var parts []string
	for _, s := range charts.VEXStates {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], charts.VEXLabel(s)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

func claims(d *doc, data *reports.Data) {
	d.heading(0, reports.ClaimsTitle)
	d.para("The claims of the ENISA secure-update advisory's worked example, each with its status from the checks that bear on it and the exact evidence files (SHA-256). Files cited by path only are pinned by the signed bundle.json and the dossier's signed SHA256SUMS.")
	var rows [][]cell
	for _, c := range data.Claims {
		var cks, files []string
		for _, k := range c.Checks {
			cks = append(cks, k.Check+": "+string(k.Status))
		}
		for _, f := range c.Files {
			files = append(files, fileCell(data, f))
		}
		rows = append(rows, []cell{{T: c.Claim + "\nAdvisory's evidence: " + c.Expected}, status(c.Status),
			{T: or(strings.Join(cks, "\n"), "no check judged this claim")}, {T: or(strings.Join(files, "\n"), notIn), Mono: true}})
	}
	d.table([]string{"Claim", "Status", "Checks", "Evidence in this dossier"}, []float64{4, 1.4, 3, 6}, rows)
}
