package paperwork

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/mappings"
)

// NotificationSchema names the draft's JSON format.
const NotificationSchema = "https://craudit.dev/schema/art14-draft/v1"

// DraftNotice is the line every draft starts with.
const DraftNotice = "DRAFT prepared by craudit. Nothing was sent: submit it through ENISA's single reporting platform (CRA Art. 16), which routes it to the CSIRT designated as coordinator and to ENISA."

// Sources of a draft's items.
const (
	FromEvidence   = "evidence"     // the verified bundle (scan, VEX, KEV catalogue, manifest)
	FromDeclared   = "product.yaml" // the manufacturer's declarations in the signed bundle
	FromCommand    = "command line" // what the person running craudit gave
	ToComplete     = "to complete"  // nothing in the evidence: the manufacturer fills it in
	NotApplicable  = "not applicable"
	ExploitListed  = "listed"
	ExploitNotSeen = "not-listed"
	ExploitUnknown = "unknown"
)

// NotifyOptions select the draft.
type NotifyOptions struct {
	Vulnerability string
	Kind          string
	Incident      bool
	AwareAt       time.Time
	// NotifiedAt is when the incident notification was submitted (optional).
	NotifiedAt time.Time
	// Now stamps the draft (the reference time).
	Now  time.Time
	Tool checks.Tool
}

// Draft is an Art. 14 notification draft.
type Draft struct {
	Schema        string    `json:"schema"`
	Draft         bool      `json:"draft"`
	Sent          bool      `json:"sent"`
	Notice        string    `json:"notice"`
	Tool          string    `json:"tool"`
	Prepared      time.Time `json:"prepared"`
	Kind          string    `json:"kind"`
	Subject       string    `json:"subject"`
	Vulnerability string    `json:"vulnerability,omitempty"`
	Aliases       []string  `json:"aliases,omitempty"`
	AwareAt       time.Time `json:"aware_at"`
	Deadline      Deadline  `json:"deadline"`
	Product       Product   `json:"product"`
	Recipient     Recipient `json:"recipient"`
	Exploited     Exploited `json:"actively_exploited"`
	Affected      []Affect  `json:"affected_components,omitempty"`
	Measures      []Measure `json:"corrective_measures"`
	Items         []Item    `json:"items"`
}

// Product identifies the product and release concerned.
type Product struct {
	Manufacturer string   `json:"manufacturer"`
	MemberState  string   `json:"member_state,omitempty"`
	Name         string   `json:"name"`
	Model        string   `json:"model,omitempty"`
	ID           string   `json:"id"`
	Release      string   `json:"release,omitempty"`
	Hardware     []string `json:"hardware_ids,omitempty"`
	Contact      string   `json:"security_contact,omitempty"`
}

// Recipient is who receives the notification.
type Recipient struct {
	Channel     string `json:"channel"`
	MemberState string `json:"member_state,omitempty"`
	CSIRT       string `json:"csirt"`
	URL         string `json:"url,omitempty"`
	Verified    bool   `json:"verified"`
	Note        string `json:"note"`
	TableSource string `json:"table_source"`
	Retrieved   string `json:"table_retrieved"`
}

// Exploited says what the bundle's known-exploited catalogue says.
type Exploited struct {
	Status    string `json:"status"`
	Catalogue string `json:"catalogue,omitempty"`
	DateAdded string `json:"date_added,omitempty"`
	Detail    string `json:"detail"`
}

// Affect is a component of the release the vulnerability was found in.
type Affect struct {
	Component       string `json:"component"`
	Version         string `json:"version"`
	PURL            string `json:"purl,omitempty"`
	Severity        string `json:"severity"`
	Summary         string `json:"summary,omitempty"`
	FixedVersion    string `json:"fixed_version,omitempty"`
	VEXStatus       string `json:"vex_status"`
	Justification   string `json:"justification,omitempty"`
	ImpactStatement string `json:"impact_statement,omitempty"`
	ActionStatement string `json:"action_statement,omitempty"`
}

// Measure is a corrective or mitigating measure in the evidence.
type Measure struct {
	Kind        string `json:"kind"`
	Description string `json:"description"`
}

// Item is one thing Art. 14 asks the notification to contain.
type Item struct {
	Point  string `json:"point"`
	Asks   string `json:"asks"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// ErrVulnerabilityRequired: a vulnerability draft names its vulnerability.
var ErrVulnerabilityRequired = errors.New("--vulnerability is required (except for a severe incident)")

// BuildDraft drafts the notification from the verified evidence.
func BuildDraft(in *checks.Input, o NotifyOptions) (*Draft, error) {
	if o.Vulnerability == "" && !o.Incident {
		return nil, ErrVulnerabilityRequired
	}
	if o.AwareAt.IsZero() {
		return nil, errors.New("--aware-at is required")
	}
	p := in.Product
	if p == nil {
		return nil, errors.New("the bundle has no usable product.yaml")
	}
	d := &Draft{Schema: NotificationSchema, Draft: true, Notice: DraftNotice, Tool: strings.TrimSpace(o.Tool.Name + " " + o.Tool.Version),
		Prepared: o.Now.UTC(), Kind: o.Kind, Subject: "actively exploited vulnerability (CRA Art. 14(1), (2))",
		Vulnerability: o.Vulnerability, AwareAt: o.AwareAt.UTC()}
	if o.Incident {
		d.Subject = "severe incident having an impact on the security of the product (CRA Art. 14(3), (4))"
	}
	d.Product = Product{Manufacturer: p.Manufacturer.Name, MemberState: p.Manufacturer.MemberState, Name: p.Product.Name, Model: p.Product.Model,
		ID: p.Product.ID, Hardware: p.Product.HardwareIDs, Contact: p.SecurityContact}
	if in.Release != nil {
		d.Product.Release = in.Release.Version
	}
	d.Recipient = recipient(p.Manufacturer.MemberState)
	ids := []string{o.Vulnerability}
	if o.Vulnerability != "" {
		d.Affected, d.Aliases = affected(in, o.Vulnerability)
		ids = append(ids, d.Aliases...)
		d.Exploited = exploited(in, ids)
	} else {
		d.Exploited = Exploited{Status: ExploitUnknown, Detail: "no vulnerability named: the incident draft does not look one up"}
	}
	fix, fixSource := fixAvailable(in, d.Affected, o.Vulnerability)
	d.Measures = measures(in, d.Affected, !fix.IsZero())
	dl, err := ComputeDeadline(DeadlineInput{Kind: o.Kind, Incident: o.Incident, AwareAt: o.AwareAt, FixAvailable: fix, FixSource: fixSource, NotifiedAt: o.NotifiedAt})
	if err != nil {
		return nil, err
	}
	d.Deadline = dl
	d.Items = items(d, o)
	return d, nil
}

func recipient(ms string) Recipient {
	r := Recipient{Channel: "ENISA single reporting platform (CRA Art. 16): notified at the same time to the CSIRT designated as coordinator and to ENISA"}
	tab, err := mappings.CSIRTs()
	if err != nil {
		r.CSIRT, r.Note = "(table unreadable)", err.Error()
		return r
	}
	r.TableSource, r.Retrieved = tab.Source, tab.Retrieved
	r.MemberState = ms
	if ms == "" {
		r.CSIRT, r.Note = "MISSING", "product.yaml does not state manufacturer.member_state (the member state of the main establishment, CRA Art. 14(7))"
		return r
	}
	c, ok := tab.CSIRTFor(ms)
	if !ok {
		r.CSIRT, r.Note = "MISSING", fmt.Sprintf("%s is not an EU member state in craudit's table; a manufacturer outside the Union follows CRA Art. 14(7)'s other rules (authorised representative, importer, distributor, or most users)", ms)
		return r
	}
	r.CSIRT, r.URL, r.Verified = c.Name, c.URL, c.Verified
	r.Note = "CSIRT designated as coordinator in " + c.Country
	if !c.Verified {
		r.Note = "unverified: craudit's table names " + c.Country + "'s national CSIRT as the candidate; confirm the coordinator designation (the single reporting platform routes the notification by member state)"
	}
	return r
}

func affected(in *checks.Input, id string) ([]Affect, []string) {
	tab, err := in.VulnTable()
	if err != nil || tab == nil {
		return nil, nil
	}
	var out []Affect
	var aliases []string
	for _, r := range tab.Rows {
		if r.ID != id && !slices.Contains(r.Aliases, id) {
			continue
		}
		for _, a := range append([]string{r.ID}, r.Aliases...) {
			if a != id && !slices.Contains(aliases, a) {
				aliases = append(aliases, a)
			}
		}
		out = append(out, Affect{Component: r.Component.Name, Version: r.Component.Version, PURL: r.Component.PURL, Severity: r.Severity,
			Summary: r.Summary, FixedVersion: r.FixedVersion, VEXStatus: r.Status, Justification: r.Justification,
			ImpactStatement: r.ImpactStatement, ActionStatement: r.ActionStatement})
	}
	slices.Sort(aliases)
	slices.SortFunc(out, func(a, b Affect) int { return strings.Compare(a.PURL+a.Component, b.PURL+b.Component) })
	return out, aliases
}

func exploited(in *checks.Input, ids []string) Exploited {
	cat, err := in.KEV()
	if err != nil || cat == nil {
		why := "the bundle carries no known-exploited catalogue"
		if err != nil && in.Has("kev.json") {
			why = "the bundle's known-exploited catalogue cannot be read: " + err.Error()
		}
		return Exploited{Status: ExploitUnknown, Detail: why + "; craudit cannot say whether the vulnerability is actively exploited"}
	}
	if e, ok := cat.Match(ids...); ok {
		return Exploited{Status: ExploitListed, Catalogue: cat.Describe(), DateAdded: e.DateAdded,
			Detail: e.CVE + " is listed as exploited in the wild (added " + e.DateAdded + ")"}
	}
	return Exploited{Status: ExploitNotSeen, Catalogue: cat.Describe(),
		Detail: "not listed in the bundle's known-exploited catalogue: craudit has no evidence of active exploitation; Art. 14(1) applies once the manufacturer knows of exploitation, and this draft rests on that knowledge, not on the catalogue"}
}

// fixAvailable is when this release became available as the corrective
// measure: only when the VEX says the vulnerability is fixed in it.
func fixAvailable(in *checks.Input, aff []Affect, id string) (time.Time, string) {
	if id == "" {
		return time.Time{}, "no vulnerability named"
	}
	if len(aff) == 0 {
		return time.Time{}, "the release's scan does not list " + id + ", so the evidence does not show this release as its fix"
	}
	for _, a := range aff {
		if a.VEXStatus != "fixed" {
			return time.Time{}, fmt.Sprintf("the release still carries %s in %s %s (VEX status %s)", id, a.Component, a.Version, a.VEXStatus)
		}
	}
	if m, err := in.VerifiedManifest(); err == nil && m != nil && !m.Timestamp.IsZero() {
		return m.Timestamp.UTC(), "the release date: the timestamp of the signed device manifest of the release that fixes it"
	}
	if in.Bundle != nil && in.Bundle.Index != nil {
		return in.Bundle.Index.Created.UTC(), "the release date: bundle.json's created time (no signed manifest timestamp)"
	}
	return time.Time{}, "no release date in the evidence"
}

func measures(in *checks.Input, aff []Affect, fixed bool) []Measure {
	var out []Measure
	if in.Release != nil {
		desc := "firmware release " + in.Release.Version
		if in.Release.UpdateType != "" {
			desc += " (" + in.Release.UpdateType + " update"
			if in.Release.Severity != "" {
				desc += ", severity " + in.Release.Severity
			}
			desc += ")"
		}
		if in.Release.AdvisoryURL != "" {
			desc += ", advisory " + in.Release.AdvisoryURL
		}
		if fixed {
			desc += ": fixes the vulnerability (VEX status fixed)"
		} else {
			desc += ": does not fix the vulnerability according to the evidence"
		}
		out = append(out, Measure{Kind: "release", Description: desc})
	}
	for _, a := range aff {
		var parts []string
		if a.Justification != "" {
			parts = append(parts, "justification "+a.Justification)
		}
		if a.ImpactStatement != "" {
			parts = append(parts, "impact: "+a.ImpactStatement)
		}
		if a.ActionStatement != "" {
			parts = append(parts, "action for users: "+a.ActionStatement)
		}
		if a.FixedVersion != "" {
			parts = append(parts, "fixed upstream in "+a.FixedVersion)
		}
		out = append(out, Measure{Kind: "vex", Description: fmt.Sprintf("%s %s: VEX status %s%s", a.Component, a.Version, a.VEXStatus, prefixed("; ", strings.Join(parts, "; ")))})
	}
	if len(out) == 0 {
		out = append(out, Measure{Kind: "none", Description: "the evidence holds no corrective or mitigating measure"})
	}
	return out
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func (d *Draft) productLine() string {
	s := d.Product.Name
	if m := d.Product.Model; m != "" && !strings.Contains(s, m) {
		s = strings.TrimSpace(s + " " + m)
	}
	if d.Product.Release != "" {
		s += ", release " + d.Product.Release
	}
	return s + " (product ID " + d.Product.ID + ") by " + d.Product.Manufacturer
}

func (d *Draft) nature() string {
	var parts []string
	for _, a := range d.Affected {
		s := fmt.Sprintf("%s %s, severity %s", a.Component, a.Version, a.Severity)
		if a.Summary != "" {
			s += ": " + a.Summary
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func (d *Draft) measureText(kind string) string {
	var parts []string
	for _, m := range d.Measures {
		if kind == "" || m.Kind == kind {
			parts = append(parts, m.Description)
		}
	}
	return strings.Join(parts, "; ")
}

func (d *Draft) userActions() string {
	var parts []string
	for _, a := range d.Affected {
		if a.ActionStatement != "" {
			parts = append(parts, a.ActionStatement)
		}
	}
	return strings.Join(parts, " ")
}

func item(point, asks, value, source string) Item {
	if strings.TrimSpace(value) == "" {
		value, source = "", ToComplete
	}
	return Item{Point: point, Asks: asks, Value: value, Source: source}
}

// items lists what Art. 14(2) or (4) asks of the chosen notification.
func items(d *Draft, o NotifyOptions) []Item {
	prod := item("identification", "the product concerned", d.productLine(), FromDeclared)
	ms := item("member states", "the member states on whose territory the manufacturer is aware the product has been made available", "", "")
	sensitivity := item("sensitivity", "how sensitive the manufacturer deems the notified information", "", "")
	if !o.Incident {
		switch o.Kind {
		case EarlyWarning:
			return []Item{prod, item("14(2)(a)", "early warning of the actively exploited vulnerability", d.Vulnerability+": "+d.Exploited.Detail, FromEvidence), ms}
		case Notification:
			return []Item{prod,
				item("14(2)(b)", "general information about the product concerned", d.productLine()+prefixed("; hardware ", strings.Join(d.Product.Hardware, ", ")), FromDeclared),
				item("14(2)(b)", "the general nature of the exploit and of the vulnerability concerned", d.nature(), FromEvidence),
				item("14(2)(b)", "corrective or mitigating measures taken", d.measureText(""), FromEvidence),
				item("14(2)(b)", "corrective or mitigating measures users can take", d.userActions(), FromEvidence),
				sensitivity}
		default:
			return []Item{prod,
				item("14(2)(c)(i)", "a description of the vulnerability, including its severity and impact", d.nature()+prefixed(". Impact: ", impacts(d)), FromEvidence),
				item("14(2)(c)(ii)", "where available, information about any malicious actor that exploited or exploits the vulnerability", "", ""),
				item("14(2)(c)(iii)", "details of the security update or other corrective measures made available", d.measureText("release"), FromEvidence)}
		}
	}
	related := ""
	if d.Vulnerability != "" {
		related = "related vulnerability " + d.Vulnerability + ": " + d.Exploited.Detail
	}
	switch o.Kind {
	case EarlyWarning:
		return []Item{prod,
			item("14(4)(a)", "whether the incident is suspected of being caused by unlawful or malicious acts", "", ""),
			ms, item("related vulnerability", "a vulnerability the incident is linked to, where known", related, FromEvidence)}
	case Notification:
		return []Item{prod,
			item("14(4)(b)", "general information about the nature of the incident", "", ""),
			item("14(4)(b)", "an initial assessment of the incident", "", ""),
			item("14(4)(b)", "corrective or mitigating measures taken", d.measureText(""), FromEvidence),
			item("14(4)(b)", "corrective or mitigating measures users can take", d.userActions(), FromEvidence),
			sensitivity}
	default:
		return []Item{prod,
			item("14(4)(c)(i)", "a detailed description of the incident, including its severity and impact", "", ""),
			item("14(4)(c)(ii)", "the type of threat or root cause that is likely to have triggered the incident", "", ""),
			item("14(4)(c)(iii)", "applied and ongoing mitigation measures", d.measureText(""), FromEvidence)}
	}
}

func impacts(d *Draft) string {
	var parts []string
	for _, a := range d.Affected {
		if a.ImpactStatement != "" {
			parts = append(parts, a.ImpactStatement)
		}
	}
	return strings.Join(parts, " ")
}

// JSON is the draft as indented JSON.
func (d *Draft) JSON() []byte {
	b, _ := json.MarshalIndent(d, "", "  ")
	return append(b, '\n')
}

// FileBase is the draft's file name without extension.
func (d *Draft) FileBase() string {
	subject := d.Vulnerability
	if subject == "" {
		subject = "incident"
	} else if strings.Contains(d.Subject, "incident") {
		subject = "incident-" + subject
	}
	return "art14-" + safeName(subject) + "-" + d.Kind
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			return r
		}
		return '_'
	}, s)
}

// Markdown is the draft for people.
func (d *Draft) Markdown() []byte {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# DRAFT: CRA Art. 14 %s, %s\n\n", strings.ReplaceAll(d.Kind, "-", " "), d.Subject)
	w("> **%s**\n\n", DraftNotice)
	rows := [][2]string{
		{"Product", d.productLine()},
		{"Vulnerability", orNone(strings.TrimSpace(d.Vulnerability + prefixed(" (aliases: ", strings.Join(d.Aliases, ", ")) + suffixIf(len(d.Aliases) > 0, ")")))},
		{"Aware since", stamp(d.AwareAt)},
		{"Deadline", deadlineText(d.Deadline)},
		{"Recipient", d.Recipient.CSIRT + prefixed(" (", d.Recipient.MemberState) + suffixIf(d.Recipient.MemberState != "", ")") + prefixed(", ", d.Recipient.URL) + ". " + d.Recipient.Note},
		{"Channel", d.Recipient.Channel},
		{"Actively exploited", d.Exploited.Status + ": " + d.Exploited.Detail + prefixed(" (catalogue: ", d.Exploited.Catalogue) + suffixIf(d.Exploited.Catalogue != "", ")")},
		{"Prepared", stamp(d.Prepared) + " by " + d.Tool},
	}
	w("| | |\n|---|---|\n")
	for _, r := range rows {
		w("| %s | %s |\n", r[0], mdCell(r[1]))
	}
	w("\n## What Art. 14 asks for, and what craudit filled in\n\n")
	w("Source `evidence`: the verified bundle; `product.yaml`: the manufacturer's declarations in it; `to complete`: nothing in the evidence, the manufacturer must fill it in.\n\n")
	w("| Point | Asks for | Content | Source |\n|---|---|---|---|\n")
	for _, it := range d.Items {
		v := it.Value
		if it.Source == ToComplete {
			v = "**TO COMPLETE**"
		}
		w("| %s | %s | %s | %s |\n", it.Point, mdCell(it.Asks), mdCell(v), it.Source)
	}
	w("\n## Corrective or mitigating measures in the evidence\n\n")
	for _, m := range d.Measures {
		w("- %s: %s\n", m.Kind, mdCell(m.Description))
	}
	if len(d.Affected) > 0 {
		w("\n## Affected components of the release\n\n| Component | Version | Severity | VEX status | purl |\n|---|---|---|---|---|\n")
		for _, a := range d.Affected {
			w("| %s | %s | %s | %s | `%s` |\n", mdCell(a.Component), mdCell(a.Version), a.Severity, a.VEXStatus, a.PURL)
		}
	}
	w("\nCSIRT table: %s, retrieved %s.\n", d.Recipient.TableSource, d.Recipient.Retrieved)
	return []byte(b.String())
}

func deadlineText(d Deadline) string {
	if d.At.IsZero() {
		return d.Article + ": " + d.Basis
	}
	return stamp(d.At) + " (" + d.Article + ": " + d.Basis + ")"
}

func orNone(s string) string {
	if s == "" {
		return "none named"
	}
	return s
}

func suffixIf(c bool, s string) string {
	if c {
		return s
	}
	return ""
}

func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}
