package attack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/attack/hub"
	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/verifier/transport"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/repo"
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
	work     string
	driver   plan.Driver
	// servers and rule: what each scenario's hub starts; tls and impostor
	// are the CA folders all hubs share (made once).
	servers       plan.Servers
	rule          *transport.Rule
	tls, impostor string
	// layouts: the driver takes a --layout (the 404 hint names it).
	layouts bool
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
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel()
	}
	h := &harness{o: o, argv: argv, driver: prof.Driver, servers: prof.Driver.Servers(), rule: rule}
	_, h.layouts = prof.Driver.(layoutDriver)
	if o.Layout != nil {
		ld, ok := prof.Driver.(layoutDriver)
		if !ok {
			return nil, &RunError{fmt.Errorf("--layout: the %s profile has no layout to change (manifest profile only)", o.Profile)}
		}
		h.driver = ld.WithLayout(o.Layout)
		if rule != nil && o.Layout.Arguments != nil && o.Layout.ResolveArguments == nil {
			return nil, &RunError{fmt.Errorf("%s: the repository is served under a declared name (--resolve) but the layout has no client.resolve_arguments to tell the client", o.Layout.File)}
		}
	}
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
	if h.servers == plan.TLSSet {
		// One CA for main and mirror, another for the impostor, shared by
		// every scenario's servers (each scenario has its own listeners).
		h.tls, h.impostor = filepath.Join(h.work, "tls"), filepath.Join(h.work, "tls-impostor")
		for _, d := range []string{h.tls, h.impostor} {
			if _, _, err := repo.LoadOrCreateCA(d); err != nil {
				return nil, &RunError{fmt.Errorf("loopback servers: %w", err)}
			}
		}
	}
	res := &attackrun.Run{Schema: attackrun.Schema, Tool: attackrun.Tool(o.Tool), Profile: o.Profile, Client: o.Client,
		ReferenceTime: o.ReferenceTime, TimeSource: o.TimeSource, ClientTime: "SOURCE_DATE_EPOCH",
		Limits:  attackrun.Limits{DeadlineMS: o.Deadline.Milliseconds(), SlowIntervalMS: o.SlowInterval.Milliseconds(), EndlessBytes: o.EndlessSize},
		Updater: updater, SelfTest: self}
	if self && o.Progress != nil {
		fmt.Fprintln(o.Progress, SelfTestLabel+": the client is craudit's own; these results test the harness, not a product's updater")
	}
	if h.faketime != "" && !goProgram(h.argv[0]) {
		res.ClientTime = "SOURCE_DATE_EPOCH and faketime"
	}
	if res.Scenarios, err = h.all(ctx, scs); err != nil {
		return nil, err
	}
	res.Summarise()
	return res, nil
}

// all runs the scenarios, up to Options.Parallel at once, each with its own
// servers; the results are in the order of scs whatever order they end in,
// and so are the progress lines.
func (h *harness) all(ctx context.Context, scs []Scenario) ([]attackrun.Result, error) {
	n := h.o.Parallel
	if h.rule != nil && h.rule.Addr != net.JoinHostPort(hostOf(h.rule.Addr), "0") && h.rule.Addr != net.JoinHostPort(hostOf(h.rule.Addr), h.rule.Port) {
		// A fixed loopback port: one scenario's servers at a time.
		n = 1
	}
	n = max(1, min(n, len(scs)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	res := make([]attackrun.Result, len(scs))
	errs := make([]error, len(scs))
	done := make([]chan struct{}, len(scs))
	for i := range done {
		done[i] = make(chan struct{})
	}
	slots := make(chan struct{}, n)
	order := startOrder(scs)
	go func() {
		for k, i := range order {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				for _, j := range order[k:] {
					errs[j] = ctx.Err()
					close(done[j])
				}
				return
			}
			go func() {
				defer func() { <-slots; close(done[i]) }()
				res[i], errs[i] = h.scenario(ctx, i, scs[i])
				if errs[i] != nil {
					cancel() // the run cannot be complete: stop the others
				}
			}()
		}
	}()
	// Every index is closed exactly once, after its scenario ended: waiting
	// for all of them in order waits for every goroutine.
	var first error
	for i := range scs {
		<-done[i]
		if err := errs[i]; err != nil {
			if first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled) {
				first = &RunError{fmt.Errorf("%s: %w", scs[i].ID, err)}
			}
			continue
		}
		if first == nil && h.o.Progress != nil {
			fmt.Fprintf(h.o.Progress, "%-20s %s\n", res[i].Verdict.Label(), scs[i].ID)
		}
	}
	if first != nil {
		return nil, first
	}
	return res, nil
}

// startOrder is the order scenarios start in: those that hang the client
// (slow retrieval, endless data) first, since they last until the client
// gives up whatever the CPU does, then the others in catalogue order.
func startOrder(scs []Scenario) []int {
	order := make([]int, 0, len(scs))
	for _, hang := range []bool{true, false} {
		for i, sc := range scs {
			if sc.Hang == hang {
				order = append(order, i)
			}
		}
	}
	return order
}

func (h *harness) scenario(ctx context.Context, i int, sc Scenario) (attackrun.Result, error) {
	r := attackrun.Result{ID: sc.ID, Title: sc.Title, Step: sc.Step, Control: sc.Control, Mirrors: sc.Mirrors, Expect: sc.Expect, ExitCode: -1}
	e := plan.NewEnv(h.o.ReferenceTime)
	e.Layout = h.o.Layout
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
	srv, err := hub.Start(h.servers, h.tls, h.impostor, h.o.SlowInterval, h.o.EndlessSize, h.rule)
	if err != nil {
		return r, fmt.Errorf("loopback servers: %w", err)
	}
	defer srv.Close()
	// Phase 1: the valid baseline update the scenario starts from.
	srv.Set(p.Baseline)
	base, err := h.phase(ctx, srv, p, l, true)
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
		switch {
		case base.OK():
			why = "exit 0 but the release is not in the installed folder"
		case base.TimedOut:
			// Nothing hostile is served in this phase: a client still
			// running is slow here, or waits for something the harness
			// does not give it.
			why += fmt.Sprintf("; if the updater is only slow on this machine, give it a longer --deadline than %s", h.o.Deadline)
		}
		r.Verdict = attackrun.FunctionalFailure
		r.Detail = "the client did not take the valid update the scenario starts from (" + why + ")" + h.said(srv, base) + h.unserved(srv)
		return r, nil
	}
	// Phase 2: the scenario's repository.
	srv.Set(p.Attack)
	at, err := h.phase(ctx, srv, p, l, false)
	srv.Set(nil)
	if err != nil {
		return r, err
	}
	r.ExitCode = at.Exit
	kept, scratch := l.SplitScratch(keeps(l.Client, p.Attack.Hostile))
	stray := strays(l)
	switch {
	case at.Signaled:
		r.Verdict, r.Detail = attackrun.Inconclusive, "the client was killed by a signal the harness did not send"
	case sc.Expect == attackrun.Accept && at.TimedOut:
		r.Verdict, r.Detail = attackrun.FunctionalFailure, "the valid update did not finish: "+at.Describe()+h.unserved(srv)
	case sc.Expect == attackrun.Accept && at.Exit != 0:
		r.Verdict, r.Detail = attackrun.FunctionalFailure, "the valid update was refused ("+at.Describe()+")"+h.said(srv, at)+h.unserved(srv)
	case sc.Expect == attackrun.Accept && !holds(installedDir, p.Want):
		r.Verdict, r.Detail = attackrun.FunctionalFailure, "exit 0 but the expected release is not in the installed folder"+h.unserved(srv)
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
		r.Detail += plan.ScratchDetail(scratch)
	case len(kept) > 0 && l.InInstalled(kept):
		r.Verdict, r.Detail = attackrun.Vulnerable, "refused ("+at.Describe()+") after writing attacker bytes into the install target: "+strings.Join(kept, ", ")
	case len(kept) > 0:
		r.Verdict, r.Detail = attackrun.Vulnerable, "refused ("+at.Describe()+") but keeps attacker content: "+strings.Join(kept, ", ")
	default:
		// The client's own words go to ClientSaid, not Detail: they change
		// from run to run (random keys, lengths) and Detail must not.
		r.Verdict, r.Detail = attackrun.Pass, "refused ("+at.Describe()+"); nothing the attacker made is kept"+plan.ScratchDetail(scratch)
		r.ClientSaid = strings.TrimPrefix(h.said(srv, at), "; client said: ")
	}
	return r, nil
}

// said quotes the client's last output line, without this run's paths and ports.
func (h *harness) said(srv *hub.Hub, p plan.Proc) string {
	lines := strings.Split(strings.TrimSpace(p.Output), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return ""
	}
	last = strings.ReplaceAll(last, h.work, "$WORK")
	for name, u := range srv.URLs() {
		last = strings.ReplaceAll(last, u, "$"+strings.ToUpper(name))
		last = strings.ReplaceAll(last, strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "$"+strings.ToUpper(name)+"_ADDR")
	}
	if len(last) > 300 {
		last = last[:300] + "…"
	}
	return "; client said: " + last
}

// phase runs the driver's protocol once, against the phase's server.
func (h *harness) phase(ctx context.Context, srv *hub.Hub, p *plan.Plan, l plan.Folders, baseline bool) (plan.Proc, error) {
	ph := plan.Phase{Baseline: baseline, At: h.o.ReferenceTime, Plan: p, Folders: l, CA: srv.CA(), Client: h.argv}
	server := plan.ServerMain
	if !baseline {
		ph.At = ph.At.Add(p.AttackAt)
		if p.AttackServer != "" {
			server = p.AttackServer
		}
	}
	ph.URL, ph.Resolve = srv.URL(server), srv.Rule(server)
	return h.driver.Phase(ctx, h, ph)
}

// unserved is the hint for a valid update the client did not take: the
// paths it asked for that the phase's repository does not serve (the
// client may look for files where its own layout puts them).
//
// Only for profiles a layout can change: in TUF-style protocols a 404 is how
// a client learns there is no newer root, not a sign of a wrong layout.
func (h *harness) unserved(srv *hub.Hub) string {
	missed := srv.Missed()
	if len(missed) == 0 || !h.layouts {
		return ""
	}
	const most = 5
	more := ""
	if len(missed) > most {
		more = fmt.Sprintf(" (and %d more)", len(missed)-most)
		missed = missed[:most]
	}
	return "; asked for " + strings.Join(missed, ", ") + more + ", which this scenario does not serve — does the layout need a mapping (--layout, docs/attack-layouts.md)?"
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
