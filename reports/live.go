package reports

import (
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/transcript"
)

// Transcript is what reports show of one reference verifier run
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
	// Contacted says where the repository was really reached (address, the
	// --resolve rule), without ports or certificate digests, which change
	// from run to run (both are in the enclosed transcript).
	Contacted string
	Steps     []TranscriptStep
	Targets   []string
}

// TranscriptStep is one decision of the verifier.
type TranscriptStep struct {
	ID, Control, Verdict, Detail string
	ENISAStep                    int
}

// AttackResults is what reports show of one attack run
// (live/attack-results.json).
type AttackResults struct {
	File    FileRef
	Profile string
	Client  string
	// SelfTest marks a run of craudit's own reference client: it tests the
	// harness and is shown apart from the product's evidence, never as it.
	SelfTest bool
	// Updater names what was tested: "NAME, SHA-256 HEX" (empty when the
	// results do not say).
	Updater   string
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

// collectLive shows the runs the checks judged: the input decodes the live
// evidence once (transcript.Parse, attackrun.Parse) for both, so a file the
// gate refuses is refused here too, with a note.
func (d *Data) collectLive(in *checks.Input) {
	if f, ok := d.File(bundle.TranscriptFile); ok {
		if runs, err := in.Transcripts(); err != nil {
			d.note("%v", err)
		} else {
			for _, r := range runs {
				t := transcriptView(r)
				t.File = f
				d.Transcripts = append(d.Transcripts, t)
			}
		}
	}
	if f, ok := d.File(bundle.AttackFile); ok {
		if runs, err := in.AttackRuns(); err != nil {
			d.note("%v", err)
		} else {
			for _, r := range runs {
				a := attackView(r)
				a.File = f
				d.Attacks = append(d.Attacks, a)
			}
		}
	}
}

// transcriptView projects a run onto what reports print.
func transcriptView(r *transcript.Run) *Transcript {
	t := &Transcript{Profile: string(r.Profile), Repository: Redact(r.Repository), Verdict: r.Verdict, Installed: r.InstalledVersion}
	if c := r.Contacted; c != nil {
		t.Contacted = Redact(c.Address)
		if c.Resolve != "" {
			// The rule's target port changes per run: keep the name it moved.
			name, _, _ := strings.Cut(c.Resolve, ":")
			t.Contacted += " (" + name + " reached with --resolve)"
		}
	}
	t.Trust = string(r.Trust.Kind)
	if r.Trust.Version > 0 {
		t.Trust += " root v" + strconv.FormatInt(r.Trust.Version, 10)
	}
	if r.Trust.KeyID != "" {
		t.Trust += " key " + r.Trust.KeyID
	}
	if r.Failure != nil {
		t.Failure = r.Failure.Step + ": " + Redact(r.Failure.Reason)
	}
	if tr := r.Transport; tr.Scheme != "" {
		t.Transport = tr.Scheme
		if len(tr.TLSVersions) > 0 {
			t.Transport += ", " + strings.Join(tr.TLSVersions, "/")
		}
		if tr.CA != "" {
			t.Transport += ", CA " + tr.CA
		}
		t.Transport += ", at most " + strconv.Itoa(tr.MaxRedirect) + " redirects"
	}
	for _, s := range r.Steps {
		t.Steps = append(t.Steps, TranscriptStep{ID: s.ID, Control: string(s.Control), Verdict: string(s.Verdict), Detail: Redact(s.Detail), ENISAStep: s.ENISAStep})
	}
	for _, tg := range r.Targets {
		t.Targets = append(t.Targets, tg.Name+" ("+strconv.FormatInt(tg.Length, 10)+" bytes, SHA-256 "+tg.SHA256+"): "+string(tg.Verdict))
	}
	return t
}

// attackView projects an attack run onto what reports print.
func attackView(r *attackrun.Run) *AttackResults {
	a := &AttackResults{Profile: string(r.Profile), Client: clientName(r.Client), SelfTest: r.SelfTest}
	if u := r.Updater; u != nil {
		a.Updater = u.Name + ", SHA-256 " + u.SHA256
		for _, c := range u.Configs {
			a.Updater += "; config " + path.Base(filepath.ToSlash(c.Path)) + ", SHA-256 " + c.SHA256
		}
	}
	counts := map[string]int{}
	for _, s := range r.Scenarios {
		a.Scenarios = append(a.Scenarios, Scenario{ID: s.ID, Control: s.Control, Expect: string(s.Expect), Verdict: string(s.Verdict),
			Detail: Redact(s.Detail), Step: s.Step, ExitCode: s.ExitCode})
		counts[string(s.Verdict)]++
	}
	a.Verdicts = sortedCounts(counts)
	return a
}

// clientName keeps the program name and arguments of the client command but
// drops the folders of the program and of path arguments (temporary paths
// that differ per run).
func clientName(c string) string {
	f := strings.Fields(c)
	if len(f) == 0 {
		return ""
	}
	f[0] = path.Base(strings.ReplaceAll(strings.Trim(f[0], `'"`), "\\", "/"))
	// A script an interpreter runs is a path too (sh /tmp/x/updater.sh).
	for i, w := range f[1:] {
		if p := strings.Trim(w, `'"`); strings.HasPrefix(p, "/") || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") {
			f[i+1] = path.Base(p)
		}
	}
	return Redact(strings.Join(f, " "))
}
