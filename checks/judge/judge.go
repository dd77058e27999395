package judge

import (
	"context"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
)

// Options for Judge.
type Options struct {
	BundleDir  string
	Root       *keys.PublicKey
	At         time.Time
	TimeSource string
	Policy     *checks.Policy
	// Live is evidence gathered now (verifier transcript, attack results), by evidence path.
	Live       map[string][]byte
	Checks     []checks.Check
	Tool       checks.Tool
	Catalogues []checks.CatalogueRef
}

// Judge verifies and judges a bundle. It returns an error only when the
// bundle directory cannot be opened at all; everything wrong inside it is
// reported as failing results.
func Judge(ctx context.Context, o Options) (*checks.Input, *checks.Report, error) {
	b, err := bundle.Open(o.BundleDir, bundle.VerifyOptions{Root: o.Root, At: o.At})
	if err != nil {
		return nil, nil, err
	}
	in := checks.Load(b, o.Root, o.At, o.Policy)
	for p, data := range o.Live {
		in.Live[p] = data
	}
	r := checks.Run(ctx, o.Checks, in, checks.RunOptions{Tool: o.Tool, TimeSource: o.TimeSource, Catalogues: o.Catalogues})
	return in, r, nil
}
