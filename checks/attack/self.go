package attack

import (
	"context"
)

// SelfTest runs craudit's own reference clients — the running executable's
// `tuf-client` and `manifest-client` — against every scenario of the given
// profiles (default: both), one Run each, with o's other settings. It is
// what the demo records as live/attack-results.json (JSONSet of the runs).
// The executable must be craudit (a test binary must re-exec as craudit).
func SelfTest(ctx context.Context, o Options, profiles ...Profile) ([]*Results, error) {
	if len(profiles) == 0 {
		profiles = []Profile{ProfileTUF, ProfileManifest}
	}
	var out []*Results
	for _, p := range profiles {
		sub := "tuf-client"
		if p == ProfileManifest {
			sub = "manifest-client"
		}
		c, err := SelfClient(sub)
		if err != nil {
			return nil, &RunError{Err: err}
		}
		po := o
		po.Profile, po.Client, po.Scenarios = p, c, nil
		r, err := Run(ctx, po)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
