package verifiercheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifiercheck"
)

func transcript(profile verifier.Profile, steps ...verifier.Step) []byte {
	t := &verifier.Transcript{Schema: verifier.TranscriptSchema, Profile: profile, Repository: "https://127.0.0.1:1", Verdict: verifier.Verified, Steps: steps, StateUsed: true}
	for _, s := range steps {
		if s.Verdict == verifier.Fail && t.Failure == nil {
			t.Verdict = verifier.Failed
			t.Failure = &verifier.Failure{Step: s.ID, Control: s.Control, Reason: s.Detail}
		}
	}
	return t.JSON()
}

func step(id string, c verifier.Control, v verifier.Verdict) verifier.Step {
	return verifier.Step{ID: id, Control: c, Verdict: v, Detail: id + " detail"}
}

var goodTUF = []verifier.Step{
	step("transport/scheme", verifier.ControlTransport, verifier.Pass),
	step("transport/tls", verifier.ControlTransport, verifier.Pass),
	step("root/trusted", verifier.ControlSignature, verifier.Pass),
	step("root/freshness", verifier.ControlFreshness, verifier.Pass),
	step("timestamp/rollback", verifier.ControlRollback, verifier.Pass),
	step("snapshot/integrity", verifier.ControlIntegrity, verifier.Pass),
}

func run(t *testing.T, live map[string][]byte) map[string]checks.Outcome {
	t.Helper()
	in := &checks.Input{Live: live, Policy: checks.DefaultPolicy()}
	out := map[string]checks.Outcome{}
	for _, c := range verifiercheck.Checks() {
		out[c.Info().ID] = c.Run(context.Background(), in)
	}
	return out
}

func TestChecks(t *testing.T) {
	manifestSkip := transcript(verifier.ProfileManifest,
		step("transport/scheme", verifier.ControlTransport, verifier.Pass),
		step("manifest/applicability", verifier.ControlApplicability, verifier.Skip))
	httpAllowed := transcript(verifier.ProfileTUF, append([]verifier.Step{step("transport/scheme", verifier.ControlTransport, verifier.Fail)}, goodTUF[2:]...)...)
	stopped := transcript(verifier.ProfileTUF, goodTUF[0], goodTUF[1], goodTUF[2], step("timestamp/signature", verifier.ControlSignature, verifier.Fail))
	tests := []struct {
		name string
		live map[string][]byte
		want map[string]checks.Status
	}{
		{name: "no transcript", live: map[string][]byte{}, want: map[string]checks.Status{
			"verifier/transport": checks.Missing, "verifier/signature": checks.Missing, "verifier/applicability": checks.Missing}},
		{name: "unparsable transcript", live: map[string][]byte{verifiercheck.TranscriptPath: []byte("{")}, want: map[string]checks.Status{
			"verifier/signature": checks.Error}},
		{name: "good TUF run", live: map[string][]byte{verifiercheck.TranscriptPath: transcript(verifier.ProfileTUF, goodTUF...)}, want: map[string]checks.Status{
			"verifier/transport": checks.Pass, "verifier/signature": checks.Pass, "verifier/freshness": checks.Pass,
			"verifier/rollback": checks.Pass, "verifier/integrity": checks.Pass, "verifier/applicability": checks.NotApplicable}},
		{name: "plain http allowed", live: map[string][]byte{verifiercheck.TranscriptPath: httpAllowed}, want: map[string]checks.Status{
			"verifier/transport": checks.Fail, "verifier/signature": checks.Pass}},
		{name: "stopped at a signature", live: map[string][]byte{verifiercheck.TranscriptPath: stopped}, want: map[string]checks.Status{
			"verifier/signature": checks.Fail, "verifier/freshness": checks.Missing, "verifier/transport": checks.Pass}},
		{name: "manifest without device identity", live: map[string][]byte{verifiercheck.TranscriptPath: manifestSkip}, want: map[string]checks.Status{
			"verifier/applicability": checks.Missing}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := run(t, tc.live)
			for id, want := range tc.want {
				if got[id].Status != want {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, want)
				}
			}
		})
	}
	// The missing message says how to get a transcript.
	if m := run(t, map[string][]byte{})["verifier/signature"].Message; !strings.Contains(m, "--repo") {
		t.Errorf("missing message %q does not say how to get a transcript", m)
	}
	// A failing check names the failing step in a finding and cites the evidence.
	o := run(t, map[string][]byte{verifiercheck.TranscriptPath: stopped})["verifier/signature"]
	var sawFail bool
	for _, f := range o.Findings {
		sawFail = sawFail || (f.Status == checks.Fail && f.ID == "verifier/signature#timestamp/signature")
	}
	if !sawFail || len(o.Evidence) != 1 || o.Evidence[0].Path != verifiercheck.TranscriptPath {
		t.Errorf("findings %+v evidence %+v", o.Findings, o.Evidence)
	}
}

func TestInfo(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range verifiercheck.Checks() {
		i := c.Info()
		if seen[i.ID] || !strings.HasPrefix(i.ID, "verifier/") || i.Version < 1 || len(i.MapsTo) == 0 || i.Step < 3 || i.Step > 5 || i.Description == "" || i.Remediation == "" {
			t.Errorf("bad info %+v", i)
		}
		seen[i.ID] = true
	}
	if len(seen) != len(verifier.Controls) {
		t.Errorf("%d checks for %d controls", len(seen), len(verifier.Controls))
	}
}

// TestSet: a file with a TUF and a manifest run is judged by its worst run.
func TestSet(t *testing.T) {
	tuf, _ := verifier.ParseTranscript(transcript(verifier.ProfileTUF, goodTUF...))
	man, _ := verifier.ParseTranscript(transcript(verifier.ProfileManifest,
		step("transport/scheme", verifier.ControlTransport, verifier.Pass),
		step("manifest/freshness", verifier.ControlFreshness, verifier.Fail),
		step("manifest/applicability", verifier.ControlApplicability, verifier.Pass)))
	got := run(t, map[string][]byte{verifiercheck.TranscriptPath: verifier.NewSet(tuf, man).JSON()})
	for id, want := range map[string]checks.Status{"verifier/freshness": checks.Fail, "verifier/transport": checks.Pass, "verifier/applicability": checks.Pass} {
		if got[id].Status != want {
			t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, want)
		}
	}
	if f := got["verifier/freshness"].Findings; len(f) != 2 || !strings.HasPrefix(f[1].Subject, "manifest:") {
		t.Errorf("findings %+v", f)
	}
}
