package attack

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/craudit/craudit/evidence/attackrun"
)

// RunClients runs each profile's client (its command line, as Options.Client
// takes it) against every scenario of that profile, one Run each, all at
// once, kept in Profiles order (TUF first), with o's other settings. The demo uses it to face craudit's own updaters
// with the whole catalogue; the caller names the commands. The error is
// non-nil when no client is given, a profile is unknown, or a run could not
// run.
func RunClients(ctx context.Context, o Options, clients map[Profile]string) ([]*attackrun.Run, error) {
	for p := range clients {
		if !slices.Contains(Profiles, p) {
			return nil, &RunError{Err: fmt.Errorf("unknown profile %q (want one of %v)", p, Profiles)}
		}
	}
	// The runs go at once (each has its own servers and folders) and are
	// kept in Profiles order.
	type result struct {
		run *attackrun.Run
		err error
	}
	var pending []chan result
	for _, p := range Profiles {
		c, ok := clients[p]
		if !ok {
			continue
		}
		po := o
		po.Profile, po.Client, po.Scenarios = p, c, nil
		ch := make(chan result, 1)
		pending = append(pending, ch)
		go func() {
			r, err := Run(ctx, po)
			ch <- result{r, err}
		}()
	}
	if len(pending) == 0 {
		return nil, &RunError{Err: fmt.Errorf("no client to run")}
	}
	var out []*attackrun.Run
	var first error
	for _, ch := range pending {
		r := <-ch
		if r.err != nil && first == nil {
			first = r.err
		}
		out = append(out, r.run)
	}
	if first != nil {
		return nil, first
	}
	return out, nil
}

// QuoteWord quotes one word of a command line so that Options.Client reads
// it back as that word, whatever it holds (spaces, quotes): e.g. the path of
// a program.
func QuoteWord(w string) string {
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
