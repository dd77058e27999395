package attack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/verifier/transport"
	"github.com/craudit/craudit/evidence/attackrun"
)

// RunError means the harness could not run (bad options, a client that
// cannot be started, no loopback listener): exit 2.
type RunError struct{ Err error }

func (e *RunError) Error() string { return e.Err.Error() }
func (e *RunError) Unwrap() error { return e.Err }

type harness struct {
	o        Options
	argv     []string
	faketime string
	hub      *hub
	work     string
	driver   plan.Driver
}

// Run serves every selected scenario's repositories, runs the client
// against each and judges it. The error is non-nil only when the harness
// could not run; a vulnerable client is in the run's results.
func Run(ctx context.Context, o Options) (*attackrun.Run, error) {
	if o.Profile == "" {
		o.Profile = ProfileTUF
	}
	prof, ok := lookupProfile(o.Profile)
	if !ok {
		return nil, &RunError{fmt.Errorf("unknown profile %q (want one of %v)", o.Profile, Profiles)}
	}
	argv, err := splitCommand(o.Client)
	if err != nil {
		return nil, &RunError{fmt.Errorf("--client %q: %v", o.Client, err)}
	}
	argv, updater, self, err := identify(argv, o.ClientConfigs)
	if err != nil {
		return nil, &RunError{fmt.Errorf("--client: %v", err)}
	}
	var rule *transport.Rule
	if o.Resolve != "" {
		if !prof.Resolvable {
			return nil, &RunError{fmt.Errorf("--resolve: the %s profile's protocol has no way to pass it", o.Profile)}
		}
		r, err := transport.ParseRule(o.Resolve)
		if err != nil {
			return nil, &RunError{err}
		}
		if ip := net.ParseIP(hostOf(r.Addr)); ip == nil || !ip.IsLoopback() {
			return nil, &RunError{fmt.Errorf("--resolve %s: the harness serves on loopback only", o.Resolve)}
		}
		rule = &r
	}
	scs := ForProfile(o.Profile)
	if len(o.Scenarios) > 0 {
		if scs, err = Lookup(o.Scenarios); err != nil {
			return nil, &RunError{err}
		}
		for _, s := range scs {
			if s.Profile != o.Profile {
				return nil, &RunError{fmt.Errorf("scenario %s is for the %s profile, not %s", s.ID, s.Profile, o.Profile)}
			}
		}
	}
	if o.ReferenceTime.IsZero() {
		o.ReferenceTime, o.TimeSource = time.Now(), "wall clock"
	} else if o.TimeSource == "" {
		o.TimeSource = "--reference-time"
	}
	o.ReferenceTime = o.ReferenceTime.UTC().Truncate(time.Second)
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	if o.SlowInterval <= 0 {
		o.SlowInterval = DefaultSlowInterval
	}
	if o.EndlessSize <= 0 {
		o.EndlessSize = DefaultEndlessSize
	}
	h := &harness{o: o, argv: argv, driver: prof.Driver}
	if !o.NoFaketime {
		if p, err := exec.LookPath("faketime"); err == nil {
			h.faketime = p
		}
	}
	if o.WorkDir != "" {
		if err := os.MkdirAll(o.WorkDir, 0o700); err != nil {
			return nil, &RunError{err}
		}
	}
	h.work, err = os.MkdirTemp(o.WorkDir, "craudit-attack-*")
	if err != nil {
		return nil, &RunError{err}
	}
	if !o.KeepWork {
		defer os.RemoveAll(h.work)
	} else if o.Progress != nil {
		fmt.Fprintf(o.Progress, "scenario folders kept in %s\n", h.work)
	}
	h.hub, err = startServers(prof.Driver.Servers(), h.work, o.SlowInterval, o.EndlessSize, rule)
	if err != nil {
		return nil, &RunError{fmt.Errorf("loopback servers: %w", err)}
	}
	defer h.hub.Close()
	res := &attackrun.Run{Schema: attackrun.Schema, Tool: attackrun.Tool(o.Tool), Profile: o.Profile, Client: o.Client,
		ReferenceTime: o.ReferenceTime, TimeSource: o.TimeSource, ClientTime: "SOURCE_DATE_EPOCH",
		Limits:  attackrun.Limits{DeadlineMS: o.Deadline.Milliseconds(), SlowIntervalMS: o.SlowInterval.Milliseconds(), EndlessBytes: o.EndlessSize},
		Updater: updater, SelfTest: self}
	if self && o.Progress != nil {
		fmt.Fprintln(o.Progress, SelfTestLabel+": the client is craudit's own; these results test the harness, not a product's updater")
	}
	if h.faketime != "" {
		res.ClientTime = "SOURCE_DATE_EPOCH and faketime"
	}
	for i, sc := range scs {
		r, err := h.scenario(ctx, i, sc)
		if err != nil {
			return nil, &RunError{fmt.Errorf("%s: %w", sc.ID, err)}
		}
		res.Scenarios = append(res.Scenarios, r)
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "%-20s %s\n", r.Verdict.Label(), sc.ID)
		}
	}
	res.Summarise()
	return res, nil
}

func (h *harness) scenario(ctx context.Context, i int, sc Scenario) (attackrun.Result, error) {
	r := attackrun.Result{ID: sc.ID, Title: sc.Title, Step: sc.Step, Control: sc.Control, Mirrors: sc.Mirrors, Expect: sc.Expect, ExitCode: -1}
	e := plan.NewEnv(h.o.ReferenceTime)
	p, err := sc.build(e)
	if err != nil {
		return r, fmt.Errorf("building the repositories: %w", err)
	}
	l := h.driver.Folders(filepath.Join(h.work, fmt.Sprintf("s%02d", i)))
	for _, d := range l.Allowed() {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return r, err
		}
	}
	// Phase 1: the valid baseline update the scenario starts from.
	h.hub.set(p.Baseline)
	base, err := h.phase(ctx, p, l, true)
	if err != nil {
		return r, err
	}
	installedDir := l.Installed
	if !base.OK() || !holds(installedDir, p.BaseWant) {
		r.ExitCode = base.Exit
		if base.Signaled {
			r.Verdict, r.Detail = attackrun.Inconclusive, "the client was killed by a signal during the valid update the scenario starts from"
			return r, nil
		}
		why := base.Describe()
		if base.OK() {
			why = "exit 0 but the release is not in the installed folder"
		}
		r.Verdict = attackrun.FunctionalFailure
		r.Detail = "the client did not take the valid update the scenario starts from (" + why + ")" + h.said(base)
		return r, nil
	}
	// Phase 2: the scenario's repository.
	h.hub.set(p.Attack)
	at, err := h.phase(ctx, p, l, false)
	h.hub.set(nil)
	if err != nil {
		return r, err
	}
	r.ExitCode = at.Exit
	kept := keeps(l.Client, p.Attack.Hostile)
	stray := strays(l)
	switch {
	case at.Signaled:
		r.Verdict, r.Detail = attackrun.Inconclusive, "the client was killed by a signal the harness did not send"
	case sc.Expect == attackrun.Accept && at.TimedOut:
		r.Verdict, r.Detail = attackrun.FunctionalFailure, "the valid update did not finish: "+at.Describe()
	case sc.Expect == attackrun.Accept && at.Exit != 0:
		r.Verdict, r.Detail = attackrun.FunctionalFailure, "the valid update was refused ("+at.Describe()+")"+h.said(at)
	case sc.Expect == attackrun.Accept && !holds(installedDir, p.Want):
		r.Verdict, r.Detail = attackrun.FunctionalFailure, "exit 0 but the expected release is not in the installed folder"
	case len(stray) > 0:
		r.Verdict, r.Detail = attackrun.Vulnerable, "the client wrote outside its folders: "+strings.Join(stray, ", ")
	case sc.Expect == attackrun.Accept:
		r.Verdict, r.Detail = attackrun.Pass, "installed exactly the expected release"
	case at.TimedOut && sc.Hang:
		r.Verdict, r.Detail = attackrun.Vulnerable, hangDetail(sc, h.o)
	case at.TimedOut:
		r.Verdict, r.Detail = attackrun.Inconclusive, "still running at the deadline"
	case at.Exit == 0:
		r.Verdict, r.Detail = attackrun.Vulnerable, "accepted the hostile repository (exit 0)"
		if len(kept) > 0 {
			r.Detail += "; keeps attacker content: " + strings.Join(kept, ", ")
		}
	case len(kept) > 0:
		r.Verdict, r.Detail = attackrun.Vulnerable, "refused ("+at.Describe()+") but keeps attacker content: "+strings.Join(kept, ", ")
	default:
		// The client's own words go to ClientSaid, not Detail: they change
		// from run to run (random keys, lengths) and Detail must not.
		r.Verdict, r.Detail = attackrun.Pass, "refused ("+at.Describe()+"); nothing the attacker made is kept"
		r.ClientSaid = strings.TrimPrefix(h.said(at), "; client said: ")
	}
	return r, nil
}

// said quotes the client's last output line, without this run's paths and ports.
func (h *harness) said(p plan.Proc) string {
	lines := strings.Split(strings.TrimSpace(p.Output), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return ""
	}
	last = strings.ReplaceAll(last, h.work, "$WORK")
	for name, u := range h.hub.urls {
		last = strings.ReplaceAll(last, u, "$"+strings.ToUpper(name))
		last = strings.ReplaceAll(last, strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "$"+strings.ToUpper(name)+"_ADDR")
	}
	if len(last) > 300 {
		last = last[:300] + "…"
	}
	return "; client said: " + last
}

// phase runs the driver's protocol once, against the phase's server.
func (h *harness) phase(ctx context.Context, p *plan.Plan, l plan.Folders, baseline bool) (plan.Proc, error) {
	ph := plan.Phase{Baseline: baseline, At: h.o.ReferenceTime, Plan: p, Folders: l, CA: h.hub.ca}
	server := plan.ServerMain
	if !baseline {
		ph.At = ph.At.Add(p.AttackAt)
		if p.AttackServer != "" {
			server = p.AttackServer
		}
	}
	ph.URL, ph.Resolve = h.hub.urls[server], h.hub.rules[server]
	return h.driver.Phase(ctx, h, ph)
}

// holds reports whether a regular file under dir has exactly want's bytes.
func holds(dir string, want []byte) bool {
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found || !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.Size() == int64(len(want)) {
			if b, err := os.ReadFile(p); err == nil && bytes.Equal(b, want) {
				found = true
			}
		}
		return nil
	})
	return found
}

// keeps lists the files under dir that are byte-identical to attacker content.
func keeps(dir string, hostile [][]byte) []string {
	if len(hostile) == 0 {
		return nil
	}
	bad := map[[32]byte]bool{}
	sizes := map[int64]bool{}
	for _, b := range hostile {
		bad[sha256.Sum256(b)] = true
		sizes[int64(len(b))] = true
	}
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil || !sizes[info.Size()] {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && bad[sha256.Sum256(b)] {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// strays lists files the client made outside its folders.
func strays(l plan.Folders) []string {
	root, allowed := l.Root, l.Allowed()
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		for _, a := range allowed {
			if p == a || strings.HasPrefix(p, a+string(filepath.Separator)) {
				if d.IsDir() && p == a {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}
