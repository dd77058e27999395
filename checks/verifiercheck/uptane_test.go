package verifiercheck_test

import (
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/evidence/transcript"
)

var goodUptane = []transcript.Step{
	step("transport/scheme", transcript.ControlTransport, transcript.Pass),
	step("time/source", transcript.ControlFreshness, transcript.Pass),
	step("director/root-signature", transcript.ControlSignature, transcript.Pass),
	step("director/no-delegations", transcript.ControlSignature, transcript.Pass),
	step("director/unique-ecu", transcript.ControlApplicability, transcript.Pass),
	step("ecu/present", transcript.ControlApplicability, transcript.Pass),
	step("ecu/hardware-id", transcript.ControlApplicability, transcript.Pass),
	step("image/targets-rollback", transcript.ControlRollback, transcript.Pass),
	step("cross/found", transcript.ControlIntegrity, transcript.Pass),
	step("cross/hashes-equal", transcript.ControlIntegrity, transcript.Pass),
	step("cross/custom-match", transcript.ControlIntegrity, transcript.Pass),
	step("ecu/release-counter", transcript.ControlRollback, transcript.Pass),
	step("target/integrity", transcript.ControlIntegrity, transcript.Pass),
}

func uptaneRun(edit func([]transcript.Step) []transcript.Step, deviations ...string) []byte {
	steps := edit(append([]transcript.Step(nil), goodUptane...))
	r := newRun(transcript.ProfileUptane, steps...)
	r.Deviations = deviations
	return r.JSON()
}

func TestUptaneChecks(t *testing.T) {
	same := func(s []transcript.Step) []transcript.Step { return s }
	set := func(id string, v transcript.Verdict) func([]transcript.Step) []transcript.Step {
		return func(s []transcript.Step) []transcript.Step {
			for i := range s {
				if s[i].ID == id {
					s[i].Verdict = v
				}
			}
			return s
		}
	}
	withDeviation := func(s []transcript.Step) []transcript.Step {
		return append(s, step("director/timestamp-present", transcript.ControlFreshness, transcript.Fail))
	}
	for _, c := range []struct {
		name string
		live []byte
		want map[string]checks.Status
	}{
		{"all good", uptaneRun(same), map[string]checks.Status{"verifier/uptane-cross-repository": checks.Pass, "verifier/uptane-director": checks.Pass,
			"verifier/uptane-release-counter": checks.Pass, "verifier/uptane-deviations": checks.Pass, "verifier/applicability": checks.Pass}},
		{"mix and match", uptaneRun(set("cross/hashes-equal", transcript.Fail)), map[string]checks.Status{"verifier/uptane-cross-repository": checks.Fail,
			"verifier/uptane-director": checks.Pass, "verifier/integrity": checks.Fail}},
		{"hardware ID not compared", uptaneRun(set("ecu/hardware-id", transcript.Skip)), map[string]checks.Status{"verifier/uptane-director": checks.Missing}},
		{"release counter rollback", uptaneRun(set("ecu/release-counter", transcript.Fail)), map[string]checks.Status{"verifier/uptane-release-counter": checks.Fail}},
		{"aktualizr's Director", uptaneRun(withDeviation, "director/timestamp-present"), map[string]checks.Status{"verifier/uptane-deviations": checks.Fail,
			"verifier/uptane-cross-repository": checks.Pass, "verifier/freshness": checks.Fail}},
		{"a TUF repository", record(transcript.ProfileTUF, goodTUF...), map[string]checks.Status{"verifier/uptane-cross-repository": checks.NotApplicable,
			"verifier/uptane-deviations": checks.NotApplicable}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, map[string][]byte{verifiercheck.TranscriptPath: c.live})
			for id, want := range c.want {
				if got[id].Status != want {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, want)
				}
			}
		})
	}
}
