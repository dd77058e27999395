package generate

import (
	"context"

	"github.com/anchore/syft/syft"
)

// Prepared is syft's licence scanner, built once and shared by every
// artefact. Building it costs about a second of CPU (licensecheck compiles
// its patterns), which syft would otherwise pay again in each CreateSBOM.
type Prepared struct {
	done chan struct{}
	ctx  context.Context
	err  error
}

// Prepare starts building the licence scanner in the background, so the
// work overlaps whatever the caller does next (copying and hashing the
// artefacts). Pass the result in Options.Prepared.
func Prepare(ctx context.Context) *Prepared {
	p := &Prepared{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.ctx, p.err = syft.SetContextLicenseScanner(ctx, syft.DefaultCreateSBOMConfig().Licenses)
	}()
	return p
}

// wait returns the context carrying the scanner.
func (p *Prepared) wait(ctx context.Context) (context.Context, error) {
	select {
	case <-p.done:
		return p.ctx, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
