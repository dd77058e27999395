package sarif

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/craudit/craudit/checks"
)

// SchemaURI and Version identify SARIF 2.1.0.
const (
	SchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
	Version   = "2.1.0"
)

// InformationURI is the tool's home, shown by code-scanning services.
const InformationURI = "https://github.com/craudit/craudit"

// Lookup describes a catalogue entry (mappings.Set.Describe).
type Lookup func(id string) (title, text string, ok bool)

// Options say what the report alone does not.
type Options struct {
	// Lookup describes the catalogue entries checks map to; nil lists IDs only.
	Lookup Lookup
	// Checks describe every check (description, remediation) for rule help;
	// optional, the report's titles are used otherwise.
	Checks []checks.Info
	// BundleURI is prefixed to evidence paths (relative to the bundle) so
	// locations resolve in the repository, e.g. "dist/bundle/". Empty leaves
	// them relative to the bundle.
	BundleURI string
}

// Render writes r as a SARIF 2.1.0 log.
func Render(w io.Writer, r *checks.Report, o Options) error {
	b, err := Marshal(r, o)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns r as SARIF 2.1.0 bytes, indented, with a final newline.
func Marshal(r *checks.Report, o Options) ([]byte, error) {
	info := map[string]checks.Info{}
	for _, i := range o.Checks {
		info[i.ID] = i
	}
	rn := run{
		Tool:       tool{Driver: driver{Name: orDefault(r.Tool.Name, "craudit"), Version: r.Tool.Version, InformationURI: InformationURI, Rules: []rule{}}},
		Results:    []result{},
		ColumnKind: "unicodeCodePoints",
		Properties: runProperties{ReferenceTime: r.ReferenceTime.UTC().Format("2006-01-02T15:04:05Z"), TimeSource: r.TimeSource,
			Outcome: r.Outcome, Summary: r.Summary, Catalogues: r.Catalogues, Subject: r.Subject,
			Passed: []string{}, NotApplicable: []string{}, BundleProblems: r.Problems},
	}
	inv := invocation{ExecutionSuccessful: true, Notifications: []notification{}}
	for i, res := range r.Results {
		rn.Tool.Driver.Rules = append(rn.Tool.Driver.Rules, makeRule(res, info[res.Check], o.Lookup))
		switch res.Status {
		case checks.Pass:
			rn.Properties.Passed = append(rn.Properties.Passed, res.Check)
			continue
		case checks.NotApplicable:
			rn.Properties.NotApplicable = append(rn.Properties.NotApplicable, res.Check)
			continue
		case checks.Error:
			inv.ExecutionSuccessful = false
			inv.Notifications = append(inv.Notifications, notification{Level: "error", Message: text(res.Check + ": " + res.Message),
				AssociatedRule: &ruleRef{ID: res.Check, Index: i}})
		}
		rn.Results = append(rn.Results, makeResults(res, i, o.BundleURI)...)
	}
	rn.Invocations = []invocation{inv}
	log := sarifLog{Schema: SchemaURI, Version: Version, Runs: []run{rn}}
	b, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sarif: %w", err)
	}
	return append(b, '\n'), nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func makeRule(res checks.Result, i checks.Info, lookup Lookup) rule {
	basis := "ENISA advisory / best practice"
	if res.Basis == checks.BasisCRA {
		basis = "CRA mandate"
	}
	desc := orDefault(i.Description, res.Title)
	remediation := orDefault(i.Remediation, res.Remediation)
	var txt, md strings.Builder
	fmt.Fprintf(&txt, "%s\n\n%s\n\nBasis: %s.", res.Title, desc, basis)
	fmt.Fprintf(&md, "**%s**\n\n%s\n\n**Basis:** %s.", mdEscape(res.Title), mdEscape(desc), basis)
	if res.Step > 0 {
		fmt.Fprintf(&txt, " ENISA lifecycle step %d.", res.Step)
		fmt.Fprintf(&md, " ENISA lifecycle step %d.", res.Step)
	}
	if len(res.MapsTo) > 0 {
		txt.WriteString("\n\nRequirements:")
		md.WriteString("\n\n**Requirements:**\n")
		for _, id := range res.MapsTo {
			title, body, ok := "", "", false
			if lookup != nil {
				title, body, ok = lookup(id)
			}
			switch {
			case ok && body != "":
				fmt.Fprintf(&txt, "\n- %s: %s. %s", id, title, body)
				fmt.Fprintf(&md, "\n- `%s` %s: %s", id, mdEscape(title), mdEscape(body))
			case ok:
				fmt.Fprintf(&txt, "\n- %s: %s", id, title)
				fmt.Fprintf(&md, "\n- `%s` %s", id, mdEscape(title))
			default:
				fmt.Fprintf(&txt, "\n- %s", id)
				fmt.Fprintf(&md, "\n- `%s`", id)
			}
		}
	}
	if remediation != "" {
		fmt.Fprintf(&txt, "\n\nRemediation: %s", remediation)
		fmt.Fprintf(&md, "\n\n**Remediation:** %s", mdEscape(remediation))
	}
	tags := []string{"security", "cra"}
	if res.Basis == checks.BasisPractice {
		tags = []string{"security", "best-practice"}
	}
	if res.Step > 0 {
		tags = append(tags, fmt.Sprintf("enisa-step-%d", res.Step))
	}
	return rule{
		ID: res.Check, Name: ruleName(res.Check),
		ShortDescription: text(res.Title), FullDescription: text(desc),
		Help:                 &message{Text: txt.String(), Markdown: md.String()},
		DefaultConfiguration: &configuration{Level: "error"},
		Properties: ruleProperties{Tags: tags, MapsTo: nonNil(res.MapsTo), Basis: string(res.Basis), Step: res.Step,
			Version: res.Version, Required: res.Required},
	}
}

// ruleName turns "declare/key-storage" into "DeclareKeyStorage", the
// reportingDescriptor name convention.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func mdEscape(s string) string {
	return strings.NewReplacer("*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;").Replace(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func text(s string) *message { return &message{Text: s} }

// makeResults turns one check result into SARIF results.
func makeResults(res checks.Result, ruleIndex int, base string) []result {
	kind, level := "fail", "error"
	switch res.Status {
	case checks.Declared:
		kind, level = "review", "none"
	case checks.Error:
		kind, level = "open", "none"
	case checks.Fail, checks.Missing, checks.Waived:
		if !res.Required {
			level = "warning"
		}
	}
	loc := []location{}
	if len(res.Evidence) > 0 {
		loc = append(loc, artefact(base, res.Evidence[0].Path))
	} else {
		loc = append(loc, artefact(base, "bundle.json"))
	}
	var out []result
	for _, f := range res.Findings {
		if f.Status != checks.Fail && f.Status != checks.Missing && f.Status != checks.Waived {
			continue
		}
		if res.Status != checks.Fail && res.Status != checks.Missing && res.Status != checks.Waived {
			continue
		}
		r := result{RuleID: res.Check, RuleIndex: ruleIndex, Kind: "fail", Level: level,
			Message:             text(fmt.Sprintf("%s: %s (%s)", f.Subject, f.Message, f.Status)),
			Locations:           loc,
			PartialFingerprints: fingerprint(f.ID),
			Properties:          resultProperties{Status: string(f.Status), FindingID: f.ID, Severity: f.Severity, MapsTo: nonNil(res.MapsTo)},
		}
		r.Suppressions = suppressions(f.Waiver)
		out = append(out, r)
	}
	if len(out) > 0 {
		return out
	}
	r := result{RuleID: res.Check, RuleIndex: ruleIndex, Kind: kind, Level: level,
		Message:             text(fmt.Sprintf("%s: %s", res.Status, orDefault(res.Message, res.Title))),
		Locations:           loc,
		PartialFingerprints: fingerprint(res.Check),
		Properties:          resultProperties{Status: string(res.Status), MapsTo: nonNil(res.MapsTo)},
	}
	for _, e := range res.Evidence {
		r.Properties.Evidence = append(r.Properties.Evidence, e.Path+"@sha256:"+e.SHA256)
	}
	r.Suppressions = suppressions(res.Waiver)
	return []result{r}
}

func artefact(base, p string) location {
	return location{PhysicalLocation: physicalLocation{ArtifactLocation: artifactLocation{URI: base + p}}}
}

// fingerprint keys a result by its stable finding or check ID, so services
// match it across runs whatever the message says.
func fingerprint(id string) map[string]string {
	h := sha256.Sum256([]byte(id))
	return map[string]string{"craudit/v1": hex.EncodeToString(h[:16])}
}

func suppressions(w *checks.Waiver) []suppression {
	if w == nil {
		return nil
	}
	just := fmt.Sprintf("%s (approved by %s, expires %s)", w.Justification, w.Approver, w.Expires.Format("2006-01-02"))
	return []suppression{{Kind: "external", Status: "accepted", Justification: just}}
}
