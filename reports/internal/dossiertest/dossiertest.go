package dossiertest

import (
	"context"
	"fmt"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/fleetcheck"
	"github.com/craudit/craudit/checks/manifestcheck"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/fixtures/thermostat"
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/dossier"
)

// Options size the evidence.
type Options struct {
	Components, Vulns int
	// Bare leaves out everything but the minibundle's own files.
	Bare bool
	// Fleet, when set, is pinned as fleet-status.json and judged by the
	// fleet/ checks.
	Fleet []byte
}

// Result is a judged bundle.
type Result struct {
	Bundle *minibundle.Bundle
	Input  *checks.Input
	Report *checks.Report
}

// Judge writes the bundle in a temporary folder and judges it at minibundle.At.
func Judge(tb testing.TB, o Options) *Result {
	tb.Helper()
	if o.Components == 0 {
		o.Components = 3
	}
	if o.Vulns == 0 {
		o.Vulns = 4
	}
	mo := minibundle.Options{}
	if !o.Bare {
		vex, err := thermostat.VEX("1.0.1")
		if err != nil {
			tb.Fatal(err)
		}
		mo.Items = []minibundle.Item{
			{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: SBOM(o.Components)},
			{Path: bundle.VulnsFile, Role: bundle.RoleVulns, Body: Vulns(o.Vulns)},
			{Path: "vex/" + thermostat.VEXName("1.0.1"), Role: bundle.RoleVEX, Body: vex},
			{Path: "provenance/craudit.intoto.jsonl", Role: bundle.RoleProvenance, Body: []byte(`{"payloadType":"application/vnd.in-toto+json"}` + "\n")},
			{Path: bundle.AnswersFile, Role: bundle.RoleAnswers, Body: []byte(Answers)},
			{Path: bundle.EvidenceDir + "ab-switch-test.txt", Role: bundle.RoleDeclEvidence, Body: []byte(ABSwitchTest)},
			{Path: bundle.TranscriptFile, Role: bundle.RoleTranscript, Body: []byte(Transcript)},
			{Path: bundle.ArchitectureFile, Role: bundle.RoleArchitecture, Body: thermostat.ArchitectureMD()},
		}
	}
	if o.Fleet != nil {
		mo.Items = append(mo.Items, minibundle.Item{Path: bundle.FleetStatusFile, Role: bundle.RoleFleetStatus, Body: o.Fleet})
	}
	mb, err := minibundle.Write(tb.TempDir(), mo)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := bundle.Open(mb.Dir, bundle.VerifyOptions{Root: mb.Root.Public(), At: minibundle.At})
	if err != nil {
		tb.Fatal(err)
	}
	in := checks.Load(b, mb.Root.Public(), minibundle.At, &checks.Policy{FailOn: "high",
		Waivers: []checks.Waiver{{ID: "sbom/bsi-fields", Justification: "supplier data is being collected", Approver: "CISO"}}})
	in.Policy.Waivers[0].Expires.Time = minibundle.At.AddDate(0, 1, 0)
	if !o.Bare {
		in.Live[bundle.AttackFile] = []byte(Attacks) // gathered at dossier time, outside the bundle
	}
	list := append(manifestcheck.Checks(), Fixed(o.Bare, o.Vulns)...)
	if o.Fleet != nil {
		list = append(list, fleetcheck.Checks()...)
	}
	rep := checks.Run(context.Background(), list, in, checks.RunOptions{Tool: checks.Tool{Name: "craudit", Version: "test"},
		TimeSource: "--reference-time", Catalogues: []checks.CatalogueRef{{ID: "cra", Edition: "2024/2847"}, {ID: "enisa-secure-updates", Edition: "draft v0.1 (May 2026)"}}})
	return &Result{Bundle: mb, Input: in, Report: rep}
}

// Data collects report data as `craudit dossier` does.
func (r *Result) Data() *reports.Data { return dossier.Data(r.Input, r.Report) }

// Fixed returns checks with fixed outcomes for areas whose real checks are
// not on this branch (SBOM, vulnerabilities, declarations, verifier); the
// vulnerability check reports one finding per scanned vulnerability.
func Fixed(bare bool, vulns int) []checks.Check {
	vulnFindings := []checks.Finding{{ID: "vuln/known-exploitable#CVE-2023-42363", Status: checks.Pass, Subject: "CVE-2023-42363", Severity: "medium", Message: "not_affected"}}
	for i := 2; i < vulns; i++ {
		id := fmt.Sprintf("GHSA-test-%04d", i)
		vulnFindings = append(vulnFindings, checks.Finding{ID: "vuln/known-exploitable#" + id, Status: checks.Pass, Subject: id, Message: "below the fail_on threshold or covered by VEX"})
	}
	fixed := func(i checks.Info, st checks.Status, msg string, ev []string, fs ...checks.Finding) checks.Check {
		return checks.Func{I: i, F: func(_ context.Context, in *checks.Input) checks.Outcome {
			if bare {
				return checks.Outcome{Status: checks.Missing, Message: "no evidence"}
			}
			return checks.Outcome{Status: st, Message: msg, Evidence: in.Refs(ev...), Findings: fs}
		}}
	}
	return []checks.Check{
		fixed(checks.Info{ID: "sbom/bsi-fields", Version: 1, Title: "SBOM carries the BSI TR-03183-2 fields", Step: 1,
			MapsTo: []string{"enisa/step/1", "enisa/rec/dependency-check", "bsi-tr-03183-2/creator", "cra/annex-i/part-ii/1"}, Basis: checks.BasisCRA,
			Remediation: "Add supplier data."}, checks.Fail, "2 components lack a supplier", []string{bundle.SBOMFile},
			checks.Finding{ID: "sbom/bsi-fields#lib00001", Status: checks.Fail, Subject: "lib00001", Message: "no supplier"}),
		fixed(checks.Info{ID: "vuln/known-exploitable", Version: 1, Title: "No known exploitable vulnerability", Step: 1,
			MapsTo: []string{"enisa/rec/dependency-check", "cra/annex-i/part-i/2/a"}, Basis: checks.BasisCRA}, checks.Pass,
			"every match is covered by VEX or below the threshold", []string{bundle.VulnsFile, "vex/" + thermostat.VEXName("1.0.1")},
			vulnFindings...),
		fixed(checks.Info{ID: "declare/atomic-install", Version: 1, Title: "Installation is atomic", Step: 6,
			MapsTo: []string{"enisa/step/6", "enisa/rec/atomic-update-behaviour", "cra/annex-i/part-i/2/h"}, Basis: checks.BasisPractice},
			checks.Declared, "declared with evidence", []string{bundle.AnswersFile, bundle.EvidenceDir + "ab-switch-test.txt"}),
		fixed(checks.Info{ID: "verifier/transport", Version: 1, Title: "The repository is reached over authenticated TLS", Step: 3,
			MapsTo: []string{"enisa/step/3", "enisa/rec/strong-transport-security", "cra/annex-i/part-i/2/e"}, Basis: checks.BasisPractice},
			checks.Pass, "TLS 1.3 with the pinned CA", []string{bundle.TranscriptFile}),
		fixed(checks.Info{ID: "attack/freeze", Version: 1, Title: "The client refuses frozen metadata", Step: 3,
			MapsTo: []string{"enisa/step/3", "enisa/rec/metadata-freshness-validation"}, Basis: checks.BasisPractice},
			checks.Fail, "the client accepted an expired manifest", []string{bundle.AttackFile}),
	}
}
