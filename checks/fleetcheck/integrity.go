package fleetcheck

import (
	"context"
	"fmt"

	"github.com/craudit/craudit/checks"
)

var infoIntegrity = checks.Info{
	ID: "fleet/integrity-failures", Version: Version, Title: "Integrity failures reported from the field are shown and judged", Step: 7,
	MapsTo: []string{"enisa/step/7", "enisa/rec/integrity-failure-reporting", "cra/annex-i/part-i/2/f"},
	Basis:  checks.BasisPractice,
	Description: "From the pinned fleet status snapshot: device reports refused at ingest (a bad signature, a replay " +
		"whose counter did not increase, an unknown device, a malformed report, a hardware ID other than the registry's) and update attempts that devices " +
		"refused as attacks. Each kind is a finding (fleet/integrity-failures#rejected/<kind>, " +
		"fleet/integrity-failures#refused-attack/<release>). Under the default policy (fleet.integrity_failures: fail) " +
		"any of them fails until it is investigated and accepted by a waiver; with fleet.integrity_failures: report they " +
		"are shown and pass. Without a snapshot the check reports missing evidence. It stands beside the declaration " +
		"declare/failure-reporting.",
	Remediation: "Investigate every refused report and refused attack (a stolen or broken device key, an attacker " +
		"replaying reports, a hostile update): revoke keys, fix the devices, then accept each finding with a waiver that " +
		"says what was found, or set fleet.integrity_failures: report when such findings are handled elsewhere.",
}

func runIntegrity(_ context.Context, in *checks.Input) checks.Outcome {
	s, ev, o := snapshot(in)
	if o != nil {
		return *o
	}
	report := in.Policy.Fleet.Reports(in.Policy.Fleet.IntegrityFailures)
	var fs []checks.Finding
	add := func(sub string, n int, what string) {
		f := checks.Finding{ID: checks.FindingID(infoIntegrity.ID, sub), Subject: sub, Status: checks.Pass}
		switch {
		case n == 0:
			f.Message = "none: " + what
		case report:
			f.Message = fmt.Sprintf("%d: %s (shown; the policy's fleet.integrity_failures is report)", n, what)
		default:
			f.Status = checks.Fail
			f.Message = fmt.Sprintf("%d: %s", n, what)
		}
		fs = append(fs, f)
	}
	rj := s.Rejected
	add("rejected/bad-signature", rj.BadSignature, "reports refused at ingest because their signature did not verify against the unit's registered key")
	add("rejected/replay", rj.Replay, "reports refused at ingest because their counter did not increase (replayed)")
	add("rejected/unknown-device", rj.UnknownDevice, "reports refused at ingest because no registered unit has that ID and key")
	add("rejected/malformed", rj.Malformed, "reports refused at ingest because they do not decode")
	add("rejected/hardware-mismatch", rj.HardwareMismatch, "reports refused at ingest because they name another hardware ID than the registry has for the unit")
	refused := 0
	for _, r := range s.Releases {
		if n := r.Attempts.RefusedAttack; n > 0 {
			refused += n
			add("refused-attack/"+r.Version, n, "attempts to install release "+r.Version+" that devices refused as attacks (a failed integrity or authenticity control)")
		}
	}
	recount := func(fs []checks.Finding) string {
		return fmt.Sprintf("%d reports refused at ingest (%d bad signature, %d replay, %d unknown device, %d malformed, %d hardware mismatch); %d attempts refused as attacks by devices; %d failing%s",
			rj.Total(), rj.BadSignature, rj.Replay, rj.UnknownDevice, rj.Malformed, rj.HardwareMismatch, refused, count(fs, checks.Fail), waivedNote(fs))
	}
	return outcome(fs, ev, recount)
}
