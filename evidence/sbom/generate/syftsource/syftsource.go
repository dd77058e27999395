package syftsource

import (
	"context"
	"sync"

	"github.com/anchore/stereoscope"
	"github.com/anchore/syft/syft"
	"github.com/anchore/syft/syft/source"
)

// open counts the sources open in this process.
var open struct {
	sync.Mutex
	n int
}

// Open is syft's source of path, read as kind ("file" or "dir"), with no
// digests computed. Close it with the function returned, not with its own
// Close: that also removes stereoscope's folders once no source is open.
func Open(ctx context.Context, path, kind string) (source.Source, func(), error) {
	open.Lock()
	open.n++
	open.Unlock()
	src, err := syft.GetSource(ctx, path, syft.DefaultGetSourceConfig().WithSources(kind).WithDigestAlgorithms())
	if err != nil {
		release()
		return nil, nil, err
	}
	return src, func() { src.Close(); release() }, nil
}

func release() {
	open.Lock()
	defer open.Unlock()
	if open.n--; open.n == 0 {
		// Deprecated in favour of image.Cleanup, which needs the image
		// a failed provider never returns.
		stereoscope.Cleanup() //nolint:staticcheck
	}
}
