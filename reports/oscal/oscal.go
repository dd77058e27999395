package oscal

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	oscaluuid "github.com/defenseunicorns/go-oscal/src/pkg/uuid"
	oscaltypes "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports"
)

// Version is the OSCAL version written.
const Version = "1.1.3"

// Renderer writes results.oscal.json.
type Renderer struct{}

func (Renderer) Name() string { return "oscal" }
func (Renderer) File() string { return "results.oscal.json" }

// ID derives the UUID of an object from its kind and stable craudit ID
// (UUIDv5 in the URL namespace over https://craudit.dev/oscal/KIND/ID).
func ID(kind, id string) string {
	return oscaluuid.NewUUIDWithSource("https://craudit.dev/oscal/" + kind + "/" + id)
}

func prop(name, value string) oscaltypes.Property {
	return oscaltypes.Property{Name: name, Value: value, Ns: "https://craudit.dev/ns/oscal"}
}

// Render writes the assessment results.
func (Renderer) Render(w io.Writer, d *reports.Data) error {
	r := d.Report
	at := r.ReferenceTime.UTC()
	subject := r.Subject.Product + "@" + r.Subject.Version
	var obs []oscaltypes.Observation
	var finds []oscaltypes.Finding
	for _, res := range r.Results {
		obsID := ID("observation", subject+"/"+res.Check)
		method := "TEST"
		if res.Status == checks.Declared {
			method = "EXAMINE" // a declaration was examined, nothing was tested
		}
		props := []oscaltypes.Property{prop("check", res.Check), prop("check-version", fmt.Sprint(res.Version)),
			prop("status", string(res.Status)), prop("enisa-step", fmt.Sprint(res.Step)), prop("basis", string(res.Basis)),
			prop("required", fmt.Sprint(res.Required))}
		for _, m := range res.MapsTo {
			props = append(props, prop("maps-to", m))
		}
		o := oscaltypes.Observation{UUID: obsID, Title: res.Check + ": " + res.Title, Description: or(res.Message, res.Title),
			Methods: []string{method}, Collected: at, Props: &props}
		if len(res.Evidence) > 0 {
			var ev []oscaltypes.RelevantEvidence
			for _, e := range res.Evidence {
				re := oscaltypes.RelevantEvidence{Description: "evidence file " + e.Path, Href: d.EvidencePrefix + e.Path}
				if e.SHA256 != "" {
					ps := []oscaltypes.Property{prop("sha256", e.SHA256)}
					re.Props = &ps
				}
				ev = append(ev, re)
			}
			o.RelevantEvidence = &ev
		}
		obs = append(obs, o)
		related := &[]oscaltypes.RelatedObservation{{ObservationUuid: obsID}}
		if failing(res.Status) {
			finds = append(finds, finding(subject, res.Check, res, res.Title, or(res.Message, res.Title)+remedy(res), related))
		}
		for _, f := range res.Findings {
			if failing(f.Status) {
				finds = append(finds, finding(subject, f.ID, res, f.Subject, f.Message, related))
			}
		}
	}
	resultProps := []oscaltypes.Property{prop("outcome", r.Outcome), prop("time-source", r.TimeSource)}
	for _, c := range r.Catalogues {
		resultProps = append(resultProps, prop("catalogue", c.ID+" "+c.Edition))
	}
	res := oscaltypes.Result{
		UUID:        ID("result", subject+"/"+at.Format("20060102T150405Z")),
		Title:       fmt.Sprintf("craudit judgement of %s %s", r.Subject.ProductName, r.Subject.Version),
		Description: fmt.Sprintf("The CRA secure-update checks of %s %s, judged at %s from the signed evidence bundle.", r.Subject.ProductName, r.Subject.Version, at.Format("2006-01-02T15:04:05Z")),
		Start:       at, End: &at, Props: &resultProps,
		ReviewedControls: oscaltypes.ReviewedControls{Description: "Every check craudit ran; each maps to catalogue entries (maps-to properties).",
			ControlSelections: []oscaltypes.AssessedControls{{Description: "all checks", IncludeAll: &oscaltypes.IncludeAll{}}}},
	}
	if len(obs) > 0 {
		res.Observations = &obs
	}
	if len(finds) > 0 {
		res.Findings = &finds
	}
	doc := oscaltypes.OscalCompleteSchema{AssessmentResults: &oscaltypes.AssessmentResults{
		UUID: ID("assessment-results", subject+"/"+at.Format("20060102T150405Z")),
		Metadata: oscaltypes.Metadata{Title: res.Title, LastModified: at, Version: r.Tool.Version, OscalVersion: Version,
			Remarks: "Produced by " + r.Tool.Name + " " + r.Tool.Version + "; reference time " + at.Format("2006-01-02T15:04:05Z") + "."},
		ImportAp: oscaltypes.ImportAp{Href: "results.json", Remarks: "craudit keeps no separate assessment plan: the checks it ran are listed in results.json."},
		Results:  []oscaltypes.Result{res},
	}}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func failing(s checks.Status) bool { return s == checks.Fail || s == checks.Missing }

func finding(subject, id string, res checks.Result, title, desc string, related *[]oscaltypes.RelatedObservation) oscaltypes.Finding {
	// The target is the requirement the check serves, a CRA one first;
	// OSCAL wants a token there, so "/" becomes ".".
	target := res.Check
	for i, m := range res.MapsTo {
		if i == 0 || (strings.HasPrefix(m, "cra/") && !strings.HasPrefix(target, "cra/")) {
			target = m
		}
	}
	target = strings.ReplaceAll(target, "/", ".")
	props := []oscaltypes.Property{prop("finding", id), prop("check", res.Check)}
	return oscaltypes.Finding{UUID: ID("finding", subject+"/"+id), Title: title, Description: or(desc, title),
		Props: &props, RelatedObservations: related,
		Target: oscaltypes.FindingTarget{Type: "objective-id", TargetId: target,
			Status: oscaltypes.ObjectiveStatus{State: "not-satisfied", Reason: "fail"}}}
}

func remedy(r checks.Result) string {
	if r.Remediation == "" {
		return ""
	}
	return " Fix: " + r.Remediation
}

func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}
