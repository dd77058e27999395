package attack

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/craudit/craudit/evidence/attackrun"
)

// RunClients runs each profile's client (its command line, as Options.Client
// takes it) against every scenario of that profile, one Run each, TUF first,
// with o's other settings. The demo uses it to face craudit's own updaters
// with the whole catalogue; the caller names the commands. The error is
// non-nil when no client is given, a profile is unknown, or a run could not
// run.
func RunClients(ctx context.Context, o Options, clients map[Profile]string) ([]*attackrun.Run, error) {
	for p := range clients {
		if !slices.Contains(Profiles, p) {
			return nil, &RunError{Err: fmt.Errorf("unknown profile %q (want one of %v)", p, Profiles)}
		}
	}
	var out []*attackrun.Run
	for _, p := range Profiles {
		c, ok := clients[p]
		if !ok {
			continue
		}
		po := o
		po.Profile, po.Client, po.Scenarios = p, c, nil
		r, err := Run(ctx, po)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, &RunError{Err: fmt.Errorf("no client to run")}
	}
	return out, nil
}

// QuoteWord quotes one word of a command line so that Options.Client reads
// it back as that word, whatever it holds (spaces, quotes): e.g. the path of
// a program.
func QuoteWord(w string) string {
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
