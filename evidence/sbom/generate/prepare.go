package generate

import (
	"context"
	"sync"

	"github.com/anchore/syft/syft"
)

// Prepared is syft's licence scanner, built once and shared by every
// artefact. Building it costs about a second of CPU (licensecheck compiles
// its patterns), which syft would otherwise pay again in each CreateSBOM.
type Prepared struct {
	once    sync.Once
	started bool // for tests: whether the build was started
	base    context.Context
	done    chan struct{}
	ctx     context.Context
	err     error
}

// Prepare starts building the licence scanner in the background, so the
// work overlaps whatever the caller does next (copying and hashing the
// artefacts). Pass the result in Options.Prepared.
func Prepare(ctx context.Context) *Prepared {
	p := &Prepared{base: ctx, done: make(chan struct{})}
	p.start()
	return p
}

// PrepareFor is Prepare for the files at paths: it starts the build only
// when one of them will go through syft, so a release of opaque images
// (IsOpaque) never pays for a scanner it does not use. It reads the first
// 3 KiB of each file. Generate still builds the scanner if it finds it
// needs one after all.
func PrepareFor(ctx context.Context, paths []string) *Prepared {
	p := &Prepared{base: ctx, done: make(chan struct{})}
	for _, path := range paths {
		if !IsOpaque(path) {
			p.start()
			break
		}
	}
	return p
}

func (p *Prepared) start() {
	p.once.Do(func() {
		p.started = true
		go func() {
			defer close(p.done)
			p.ctx, p.err = syft.SetContextLicenseScanner(p.base, syft.DefaultCreateSBOMConfig().Licenses)
		}()
	})
}

// wait returns the context carrying the scanner, starting its build now if
// it has not started.
func (p *Prepared) wait(ctx context.Context) (context.Context, error) {
	p.start()
	select {
	case <-p.done:
		return p.ctx, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
