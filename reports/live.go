package reports

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
)

// Transcript is what reports show of the reference verifier's transcript
// (live/transcript.json). Start time, duration, requests and ports are left
// out: they differ from run to run and would make reports irreproducible.
type Transcript struct {
	File       FileRef
	Profile    string
	Repository string
	Trust      string
	Verdict    string
	Failure    string
	Transport  string
	Installed  string
	Steps      []TranscriptStep
	Targets    []string
}

// TranscriptStep is one decision of the verifier.
type TranscriptStep struct {
	ID, Control, Verdict, Detail string
	ENISAStep                    int
}

// AttackResults is live/attack-results.json.
type AttackResults struct {
	File      FileRef
	Profile   string
	Client    string
	Scenarios []Scenario
	// Verdicts counts scenarios by verdict, sorted by verdict.
	Verdicts []NameCount
}

// Scenario is one hostile-repository scenario and what the client did.
type Scenario struct {
	ID, Control, Expect, Verdict, Detail string
	Step, ExitCode                       int
}

// loopbackPort matches a loopback host with its port: ports change each run.
var loopbackPort = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`)

// Redact removes what changes between runs of the same scenario (loopback ports).
func Redact(s string) string { return loopbackPort.ReplaceAllString(s, "$1:PORT") }

func (d *Data) collectLive(in *checks.Input) {
	if f, ok := d.File(bundle.TranscriptFile); ok {
		if b, err := in.Read(bundle.TranscriptFile); err != nil {
			d.note("%s: %v", bundle.TranscriptFile, err)
		} else if ts, err := parseTranscripts(b); err != nil {
			d.note("%s: not a readable verifier transcript: %v", bundle.TranscriptFile, err)
		} else {
			for _, t := range ts {
				t.File = f
			}
			d.Transcripts = ts
		}
	}
	if f, ok := d.File(bundle.AttackFile); ok {
		if b, err := in.Read(bundle.AttackFile); err != nil {
			d.note("%s: %v", bundle.AttackFile, err)
		} else if as, err := parseAttackSet(b); err != nil {
			d.note("%s: not readable attack results: %v", bundle.AttackFile, err)
		} else {
			for _, a := range as {
				a.File = f
			}
			d.Attacks = as
		}
	}
}

// parseTranscripts reads one transcript or a set of runs ({"runs": [...]}).
func parseTranscripts(b []byte) ([]*Transcript, error) {
	var set struct {
		Runs []json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(b, &set); err == nil && len(set.Runs) > 0 {
		var out []*Transcript
		for _, r := range set.Runs {
			t, err := parseTranscript(r)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	}
	t, err := parseTranscript(b)
	if err != nil {
		return nil, err
	}
	return []*Transcript{t}, nil
}

// parseAttackSet reads one attack run or an array of runs.
func parseAttackSet(b []byte) ([]*AttackResults, error) {
	var runs []json.RawMessage
	if err := json.Unmarshal(b, &runs); err == nil {
		var out []*AttackResults
		for _, r := range runs {
			a, err := parseAttacks(r)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
	}
	a, err := parseAttacks(b)
	if err != nil {
		return nil, err
	}
	return []*AttackResults{a}, nil
}

func parseTranscript(b []byte) (*Transcript, error) {
	var raw struct {
		Profile    string `json:"profile"`
		Repository string `json:"repository"`
		Trust      struct {
			Kind    string `json:"kind"`
			Version int64  `json:"version"`
			KeyID   string `json:"key_id"`
		} `json:"trust"`
		InstalledVersion string `json:"installed_version"`
		Verdict          string `json:"verdict"`
		Failure          *struct {
			Step, Control, Reason string
		} `json:"failure"`
		Transport struct {
			Scheme      string   `json:"scheme"`
			TLSVersions []string `json:"tls_versions"`
			CA          string   `json:"ca"`
			MaxRedirect int      `json:"max_redirects"`
		} `json:"transport"`
		Steps []struct {
			ID        string `json:"id"`
			Control   string `json:"control"`
			ENISAStep int    `json:"enisa_step"`
			Verdict   string `json:"verdict"`
			Detail    string `json:"detail"`
		} `json:"steps"`
		Targets []struct {
			Name    string `json:"name"`
			Length  int64  `json:"length"`
			SHA256  string `json:"sha256"`
			Verdict string `json:"verdict"`
		} `json:"targets"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	t := &Transcript{Profile: raw.Profile, Repository: Redact(raw.Repository), Verdict: raw.Verdict, Installed: raw.InstalledVersion}
	t.Trust = raw.Trust.Kind
	if raw.Trust.Version > 0 {
		t.Trust += " root v" + itoa(raw.Trust.Version)
	}
	if raw.Trust.KeyID != "" {
		t.Trust += " key " + raw.Trust.KeyID
	}
	if raw.Failure != nil {
		t.Failure = raw.Failure.Step + ": " + Redact(raw.Failure.Reason)
	}
	tr := raw.Transport
	if tr.Scheme != "" {
		t.Transport = tr.Scheme
		if len(tr.TLSVersions) > 0 {
			t.Transport += ", " + strings.Join(tr.TLSVersions, "/")
		}
		if tr.CA != "" {
			t.Transport += ", CA " + tr.CA
		}
		t.Transport += ", at most " + itoa(int64(tr.MaxRedirect)) + " redirects"
	}
	for _, s := range raw.Steps {
		t.Steps = append(t.Steps, TranscriptStep{ID: s.ID, Control: s.Control, Verdict: s.Verdict, Detail: Redact(s.Detail), ENISAStep: s.ENISAStep})
	}
	for _, tg := range raw.Targets {
		t.Targets = append(t.Targets, tg.Name+" ("+itoa(tg.Length)+" bytes, SHA-256 "+tg.SHA256+"): "+tg.Verdict)
	}
	return t, nil
}

func parseAttacks(b []byte) (*AttackResults, error) {
	var raw struct {
		Profile   string `json:"profile"`
		Client    string `json:"client"`
		Scenarios []struct {
			ID       string `json:"id"`
			Step     int    `json:"step"`
			Control  string `json:"control"`
			Expect   string `json:"expect"`
			Verdict  string `json:"verdict"`
			ExitCode int    `json:"exit_code"`
			Detail   string `json:"detail"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	a := &AttackResults{Profile: raw.Profile, Client: clientName(raw.Client)}
	counts := map[string]int{}
	for _, s := range raw.Scenarios {
		a.Scenarios = append(a.Scenarios, Scenario{ID: s.ID, Control: s.Control, Expect: s.Expect, Verdict: s.Verdict,
			Detail: Redact(s.Detail), Step: s.Step, ExitCode: s.ExitCode})
		counts[s.Verdict]++
	}
	a.Verdicts = sortedCounts(counts)
	return a, nil
}

// clientName keeps the program name and arguments of the client command but
// drops the folder it ran from (a temporary path that differs per run).
func clientName(c string) string {
	f := strings.Fields(c)
	if len(f) == 0 {
		return ""
	}
	f[0] = path.Base(strings.ReplaceAll(f[0], "\\", "/"))
	return Redact(strings.Join(f, " "))
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
