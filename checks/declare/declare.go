package declare

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
)

// Version of the declaration checks' behaviour.
const Version = 1

// Checks returns one declaration check per control.
func Checks() []checks.Check {
	var out []checks.Check
	for _, c := range Controls() {
		out = append(out, checks.Func{I: c.info(), F: c.run})
	}
	return out
}

func (c Control) info() checks.Info {
	desc := "Declaration: " + c.Question
	switch {
	case c.NotApplicableWhen != "":
		desc += " It may be declared not applicable, with a justification, because " + c.NotApplicableWhen + "."
	case c.Basis == checks.BasisPractice:
		desc += " As a practice recommendation (not a CRA requirement) it may be declared not applicable with a justification."
	}
	return checks.Info{
		ID: c.ID(), Version: Version, Title: c.Title, Step: c.Step, MapsTo: c.MapsTo, Basis: c.Basis,
		Description: desc,
		Remediation: fmt.Sprintf("Answer %s in answers.yaml: status implemented, a statement of how, the owner, and evidence files (they are hash-pinned into the bundle).", c.ID()),
	}
}

func (c Control) run(_ context.Context, in *checks.Input) checks.Outcome {
	a, out, ok := answers(in)
	if !ok {
		return out
	}
	d, found := a.Find(c.ID())
	ans := in.Refs(bundle.AnswersFile)
	switch d.Status {
	case "", "open":
		if !found {
			return checks.Outcome{Status: checks.Missing, Evidence: ans, Message: fmt.Sprintf("not declared: answers.yaml has no entry for %s", c.ID())}
		}
		return checks.Outcome{Status: checks.Missing, Evidence: ans, Message: "declaration still open" + owner(d)}
	case "not_implemented":
		return checks.Outcome{Status: checks.Fail, Evidence: ans, Message: "declared not implemented" + owner(d) + statement(d)}
	case "partial":
		return checks.Outcome{Status: checks.Fail, Evidence: ans, Message: "declared only partly implemented" + owner(d) + statement(d)}
	case "not_applicable":
		switch {
		case c.NotApplicableWhen == "" && c.Basis == checks.BasisCRA:
			return checks.Outcome{Status: checks.Fail, Evidence: ans, Message: "declared not applicable, but the CRA does not make this requirement conditional; implement it, or record the gap as a waiver in policy.yaml"}
		case strings.TrimSpace(d.Justification) == "":
			return checks.Outcome{Status: checks.Missing, Evidence: ans, Message: "declared not applicable without a justification"}
		case c.NotApplicableWhen == "":
			// A practice recommendation: the CRA does not mandate it, so the
			// manufacturer may judge it not applicable, saying why.
			return checks.Outcome{Status: checks.NotApplicable, Evidence: ans, Message: "not applicable (a practice recommendation, not a CRA requirement)" + owner(d) + ": " + oneLine(d.Justification)}
		}
		return checks.Outcome{Status: checks.NotApplicable, Evidence: ans, Message: "not applicable" + owner(d) + ": " + oneLine(d.Justification)}
	}
	// implemented
	var gaps []string
	if strings.TrimSpace(d.Statement) == "" {
		gaps = append(gaps, "a statement")
	}
	if strings.TrimSpace(d.Owner) == "" {
		gaps = append(gaps, "an owner")
	}
	if len(d.Evidence) == 0 {
		gaps = append(gaps, "evidence files")
	}
	if len(gaps) > 0 {
		return checks.Outcome{Status: checks.Missing, Evidence: ans,
			Message: "declared implemented without " + strings.Join(gaps, ", ") + statement(d)}
	}
	status, refs, findings := judgeEvidence(c, in, d.Evidence)
	out = checks.Outcome{Status: status, Evidence: append(ans, refs...), Findings: findings}
	switch status {
	case checks.Declared:
		out.Message = fmt.Sprintf("declared implemented%s: %s (%d evidence file(s))", owner(d), oneLine(d.Statement), len(refs))
	case checks.Fail:
		out.Message = "declared implemented, but evidence failed verification" + owner(d)
	default:
		out.Message = "declared implemented, but evidence is absent from the bundle" + owner(d)
	}
	return out
}

// judgeEvidence looks up each evidence file in the bundle. Every file is a
// finding, so a single bad file can be named (and waived) on its own.
func judgeEvidence(c Control, in *checks.Input, files []string) (checks.Status, []checks.EvidenceRef, []checks.Finding) {
	status := checks.Declared
	var refs []checks.EvidenceRef
	var fs []checks.Finding
	seen := map[string]bool{}
	for _, f := range files {
		p := bundle.DeclarationEvidencePath(f)
		if seen[p] {
			continue
		}
		seen[p] = true
		fd := checks.Finding{ID: checks.FindingID(c.ID(), p), Subject: p}
		switch {
		case in.Bundle != nil && in.Bundle.Bad(p):
			fd.Status, fd.Message = checks.Fail, "evidence file failed verification (changed or unreadable)"
			status = checks.Fail
		case !in.Has(p):
			fd.Status, fd.Message = checks.Missing, "evidence file is not in the bundle"
			if status != checks.Fail {
				status = checks.Missing
			}
		default:
			ref, _ := in.Ref(p)
			refs = append(refs, ref)
			fd.Status, fd.Message = checks.Declared, "evidence file present, sha256 "+ref.SHA256
		}
		fs = append(fs, fd)
	}
	return status, refs, fs
}

// answers returns the parsed answers.yaml, or the outcome every declaration
// check reports when it cannot be used.
func answers(in *checks.Input) (*product.Answers, checks.Outcome, bool) {
	// A parse or validation error wins: Load may keep a half-valid Answers.
	if err, ok := in.ParseErrs[bundle.AnswersFile]; ok {
		return nil, checks.Errorf(fmt.Sprintf("%s cannot be read: %v", bundle.AnswersFile, oneLine(err.Error()))), false
	}
	if in.Answers != nil {
		return in.Answers, checks.Outcome{}, true
	}
	if in.Bundle != nil && in.Bundle.Bad(bundle.AnswersFile) {
		return nil, checks.Outcome{Status: checks.Fail, Message: bundle.AnswersFile + " failed verification: its declarations cannot be trusted"}, false
	}
	return nil, checks.Outcome{Status: checks.Missing, Message: "the bundle has no answers.yaml: nothing is declared (start one with `craudit init`)"}, false
}

func owner(d product.Declaration) string {
	if o := strings.TrimSpace(d.Owner); o != "" {
		return " (owner: " + oneLine(o) + ")"
	}
	return ""
}

func statement(d product.Declaration) string {
	if s := strings.TrimSpace(d.Statement); s != "" {
		return ": " + oneLine(s)
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// EvidencePaths returns the bundle paths of a declaration's evidence files.
func EvidencePaths(d product.Declaration) []string {
	var out []string
	for _, e := range d.Evidence {
		out = append(out, bundle.DeclarationEvidencePath(path.Clean(e)))
	}
	return out
}

// UnknownControls lists the controls answers.yaml declares that no
// declaration check reads (typically a typo), sorted; callers warn about
// them, since the control meant is then reported missing.
func UnknownControls(a *product.Answers) []string {
	known := map[string]bool{}
	for _, c := range Controls() {
		known[c.ID()] = true
	}
	var out []string
	if a == nil {
		return nil
	}
	for _, d := range a.Declarations {
		if !known[d.Control] {
			out = append(out, d.Control)
		}
	}
	slices.Sort(out)
	return out
}
