package verifiercheck_test

import (
	"context"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/transcript"
)

// record is the JSON of newRun's run.
func record(profile transcript.Profile, steps ...transcript.Step) []byte {
	return newRun(profile, steps...).JSON()
}

func newRun(profile transcript.Profile, steps ...transcript.Step) *transcript.Run {
	t := &transcript.Run{Schema: transcript.Schema, Profile: profile, Repository: "https://127.0.0.1:1", Verdict: transcript.Verified, Steps: steps, StateUsed: true}
	for _, s := range steps {
		if s.Verdict == transcript.Fail && t.Failure == nil {
			t.Verdict = transcript.Failed
			t.Failure = &transcript.Failure{Step: s.ID, Control: s.Control, Reason: s.Detail}
		}
	}
	return t
}

func step(id string, c transcript.Control, v transcript.Verdict) transcript.Step {
	return transcript.Step{ID: id, Control: c, Verdict: v, Detail: id + " detail"}
}

var goodTUF = []transcript.Step{
	step("transport/scheme", transcript.ControlTransport, transcript.Pass),
	step("transport/tls", transcript.ControlTransport, transcript.Pass),
	step("root/trusted", transcript.ControlSignature, transcript.Pass),
	step("root/freshness", transcript.ControlFreshness, transcript.Pass),
	step("timestamp/rollback", transcript.ControlRollback, transcript.Pass),
	step("snapshot/integrity", transcript.ControlIntegrity, transcript.Pass),
}

var root, _ = keys.Generate(keys.Ed25519)

// testProduct declares the repository of newRun.
func testProduct(urls ...string) *product.Product {
	p := &product.Product{}
	p.Product.ID = "thermostat"
	p.Updates.RepositoryURL = "https://127.0.0.1:1"
	p.Updates.RepositoryURLs = urls
	return p
}

// run judges live evidence, signing every transcript that parses by the
// root key (what does not parse stays as it is).
func run(t *testing.T, live map[string][]byte) map[string]checks.Outcome {
	t.Helper()
	signedLive := map[string][]byte{}
	for p, b := range live {
		if s, err := transcript.Sign(b, root, nil); err == nil {
			b = s
		}
		signedLive[p] = b
	}
	return runIn(&checks.Input{Live: signedLive, Policy: checks.DefaultPolicy(), Root: root.Public(), Product: testProduct()})
}

func runIn(in *checks.Input) map[string]checks.Outcome {
	out := map[string]checks.Outcome{}
	for _, c := range verifiercheck.Checks() {
		out[c.Info().ID] = c.Run(context.Background(), in)
	}
	return out
}

func TestChecks(t *testing.T) {
	manifestSkip := record(transcript.ProfileManifest,
		step("transport/scheme", transcript.ControlTransport, transcript.Pass),
		step("manifest/applicability", transcript.ControlApplicability, transcript.Skip))
	httpAllowed := record(transcript.ProfileTUF, append([]transcript.Step{step("transport/scheme", transcript.ControlTransport, transcript.Fail)}, goodTUF[2:]...)...)
	stopped := record(transcript.ProfileTUF, goodTUF[0], goodTUF[1], goodTUF[2], step("timestamp/signature", transcript.ControlSignature, transcript.Fail))
	tests := []struct {
		name string
		live map[string][]byte
		want map[string]checks.Status
	}{
		{name: "no transcript", live: map[string][]byte{}, want: map[string]checks.Status{
			"verifier/transport": checks.Missing, "verifier/signature": checks.Missing, "verifier/applicability": checks.Missing}},
		{name: "unparsable transcript", live: map[string][]byte{verifiercheck.TranscriptPath: []byte("{")}, want: map[string]checks.Status{
			"verifier/signature": checks.Fail}},
		// What the gate refuses, the report refuses too: both read transcript.Parse.
		{name: "another format", live: map[string][]byte{verifiercheck.TranscriptPath: []byte(`{"schema":"https://craudit.dev/schema/attack-results/v1","runs":[]}`)}, want: map[string]checks.Status{
			"verifier/transport": checks.Fail, "verifier/signature": checks.Fail}},
		{name: "empty set", live: map[string][]byte{verifiercheck.TranscriptPath: transcript.NewSet().JSON()}, want: map[string]checks.Status{
			"verifier/signature": checks.Fail}},
		{name: "bare list", live: map[string][]byte{verifiercheck.TranscriptPath: []byte("[" + string(record(transcript.ProfileTUF, goodTUF...)) + "]")}, want: map[string]checks.Status{
			"verifier/signature": checks.Fail}},
		{name: "good TUF run", live: map[string][]byte{verifiercheck.TranscriptPath: record(transcript.ProfileTUF, goodTUF...)}, want: map[string]checks.Status{
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
	if len(seen) != len(transcript.Controls)+2+4 { // + binding + uptane
		t.Errorf("%d checks for %d controls", len(seen), len(transcript.Controls))
	}
}

// TestSet: a file with a TUF and a manifest run is judged by its worst run.
func TestSet(t *testing.T) {
	tuf := newRun(transcript.ProfileTUF, goodTUF...)
	man := newRun(transcript.ProfileManifest,
		step("transport/scheme", transcript.ControlTransport, transcript.Pass),
		step("manifest/freshness", transcript.ControlFreshness, transcript.Fail),
		step("manifest/applicability", transcript.ControlApplicability, transcript.Pass))
	got := run(t, map[string][]byte{verifiercheck.TranscriptPath: transcript.NewSet(tuf, man).JSON()})
	for id, want := range map[string]checks.Status{"verifier/freshness": checks.Fail, "verifier/transport": checks.Pass, "verifier/applicability": checks.Pass} {
		if got[id].Status != want {
			t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, want)
		}
	}
	if f := got["verifier/freshness"].Findings; len(f) != 2 || !strings.HasPrefix(f[1].Subject, "manifest:") {
		t.Errorf("findings %+v", f)
	}
}
