package dossiertest

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/craudit/craudit/evidence/vuln"

	"github.com/craudit/craudit/fixtures/thermostat"
)

// SBOM returns a CycloneDX 1.6 SBOM with the demo's busybox package and
// n-1 further generated library components.
func SBOM(n int) []byte {
	comps := []map[string]any{{
		"bom-ref": "busybox", "type": "library", "name": "busybox", "version": "1.36.1-r16", "purl": thermostat.BusyboxPURL("1.0.1"),
		"supplier": map[string]any{"name": "Alpine maintainers"},
		"licenses": []any{map[string]any{"license": map[string]any{"id": "GPL-2.0-only"}}},
		"hashes":   []any{map[string]any{"alg": "SHA-512", "content": fmt.Sprintf("%0128d", 1)}},
	}}
	for i := 1; i < n; i++ {
		comps = append(comps, map[string]any{"bom-ref": fmt.Sprintf("lib%05d", i), "type": "library", "name": fmt.Sprintf("lib%05d", i), "version": fmt.Sprintf("1.%d.0", i%50),
			"purl":     fmt.Sprintf("pkg:generic/example/lib%05d@1.%d.0", i, i%50),
			"licenses": []any{map[string]any{"expression": "MIT OR Apache-2.0"}}})
	}
	doc := map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"metadata": map[string]any{"timestamp": "2026-05-31T12:00:00Z",
			"tools": map[string]any{"components": []any{map[string]any{"type": "application", "name": "syft", "version": "1.44.0"}}},
			"component": map[string]any{"bom-ref": "thermostat-fw", "type": "firmware", "name": "thermostat-fw", "version": "1.0.1",
				"purl": thermostat.FirmwarePURL("1.0.1")}},
		"components": comps, "dependencies": []any{map[string]any{"ref": "thermostat-fw", "dependsOn": []any{}}}}
	b, _ := json.MarshalIndent(doc, "", " ")
	return b
}

// Vulns returns scan results (vulns.json) with the two real busybox
// advisories the demo's VEX covers, then n-2 generated matches of varied
// severity.
func Vulns(n int) []byte {
	bb := vuln.Component{Ref: "busybox", Name: "busybox", Version: "1.36.1-r16", PURL: thermostat.BusyboxPURL("1.0.1"), Ecosystem: "Alpine"}
	r := &vuln.Report{Scanned: true, Scanner: vuln.Tool{Name: "osv-scanner", Version: "v2.5.1"},
		Database: &vuln.DBInfo{Source: "fixtures/osvdb", Layout: vuln.Layout, Records: 4,
			Ecosystems: []vuln.Ecosystem{{Name: "Alpine", Records: 3}, {Name: "Go", Records: 1}},
			Newest:     time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
		Findings: []vuln.Finding{
			{ID: "ALPINE-CVE-2023-42363", Aliases: []string{"CVE-2023-42363"}, Severity: "medium", Component: bb, FixedVersion: "1.36.1-r17", MatchedBy: "osv-scanner"},
			{ID: "ALPINE-CVE-2023-42366", Aliases: []string{"CVE-2023-42366"}, Severity: "medium", Component: bb, FixedVersion: "1.36.1-r16", MatchedBy: "osv-scanner"},
		}}
	sev := []string{"critical", "high", "medium", "low", "unknown"}
	for i := 2; i < n; i++ {
		name := fmt.Sprintf("lib%05d", i)
		r.Findings = append(r.Findings, vuln.Finding{ID: fmt.Sprintf("GHSA-test-%04d", i), Aliases: []string{}, Severity: sev[i%len(sev)], MatchedBy: "osv-scanner",
			Component: vuln.Component{Ref: name, Name: name, Version: fmt.Sprintf("1.%d.0", i%50), PURL: fmt.Sprintf("pkg:generic/example/%s@1.%d.0", name, i%50)}})
	}
	b, err := r.Marshal()
	if err != nil {
		panic(err)
	}
	return b
}

// Transcript is a manifest-profile verifier transcript; its repository URL
// carries a loopback port, which reports must not print.
const Transcript = `{
 "schema": "https://craudit.dev/schema/verifier-transcript/v1",
 "profile": "manifest",
 "repository": "https://127.0.0.1:41234/st100",
 "trust": {"kind": "manifest", "sha256": "00", "key_id": "root-key-id"},
 "reference_time": "2026-06-01T12:00:00Z",
 "started": "2026-11-24T03:00:00.123Z",
 "duration_ms": 87,
 "verdict": "verified",
 "transport": {"scheme": "https", "tls_versions": ["TLS 1.3"], "ca": "given", "max_redirects": 3, "timeout_ms": 30000},
 "steps": [
  {"id": "transport/tls", "control": "transport", "enisa_step": 3, "verdict": "pass", "detail": "https://127.0.0.1:41234 TLS 1.3 (minimum TLS 1.2)"},
  {"id": "manifest/signature", "control": "signature", "enisa_step": 5, "verdict": "pass", "detail": "vendor key certified by the root key"},
  {"id": "manifest/freshness", "control": "freshness", "enisa_step": 3, "verdict": "pass", "detail": "expires 2026-08-29T12:00:00Z"},
  {"id": "manifest/rollback", "control": "rollback", "enisa_step": 5, "verdict": "pass", "detail": "counter 2 is above the stored 1"},
  {"id": "artefact/integrity", "control": "integrity", "enisa_step": 5, "verdict": "pass", "detail": "fw.bin: size, SHA-256 and SHA-512 match"}
 ],
 "targets": [{"name": "fw.bin", "length": 81920, "sha256": "ab", "verdict": "pass"}],
 "requests": [{"url": "https://127.0.0.1:41234/st100/manifest.json", "status": 200}]
}
`

// Attacks are attack results with one scenario of each verdict kind.
const Attacks = `{
 "schema": "https://craudit.dev/schema/attack-results/v1",
 "profile": "manifest",
 "client": "/tmp/go-build123/craudit manifest-client",
 "reference_time": "2026-06-01T12:00:00Z",
 "scenarios": [
  {"id": "valid-update", "step": 5, "control": "signature", "expect": "accept", "verdict": "pass", "exit_code": 0, "detail": "installed the expected content"},
  {"id": "rollback", "step": 5, "control": "rollback", "expect": "reject", "verdict": "pass", "exit_code": 1, "detail": "refused version 1.0.0 served at 127.0.0.1:39999"},
  {"id": "freeze", "step": 3, "control": "freshness", "expect": "reject", "verdict": "VULNERABLE", "exit_code": 0, "detail": "accepted an expired manifest"}
 ],
 "summary": {"pass": 2, "vulnerable": 1}
}
`

// Answers declares two controls, one with evidence.
const Answers = `declarations:
  - control: declare/atomic-install
    status: implemented
    statement: The firmware is written to the inactive A/B slot and activated by one atomic switch.
    evidence: [ab-switch-test.txt]
    owner: firmware team
  - control: declare/key-storage
    status: implemented
    statement: The vendor key is kept in an HSM.
    owner: security officer
`

// ABSwitchTest is the declaration's evidence file.
const ABSwitchTest = "A/B switch test log: 200 power cuts during install, 200 boots into the previous slot.\n"
