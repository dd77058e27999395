package generate

import (
	"sync"

	"github.com/anchore/stereoscope"
)

// stereoscopeUse counts the cataloguing runs in flight in this process.
//
// syft tries every archive as a container image first (docker-archive,
// oci-archive). stereoscope's OCI provider extracts the archive into a
// folder of its own under the system's temp dir (stereoscope-NNN) before
// it finds there is no image, and nothing removes that folder: every bundle
// of a tar artefact left a copy of it behind (8 MB for the demo image; 699
// of them in /tmp after a day of tests). The folders can be removed only
// all at once (stereoscope.Cleanup), so that happens when the last run in
// flight ends, never under a run that still uses its folder.
var stereoscopeUse struct {
	sync.Mutex
	n int
}

// useStereoscope marks a cataloguing run as started; call the function it
// returns when the run no longer needs syft's source.
func useStereoscope() (done func()) {
	stereoscopeUse.Lock()
	stereoscopeUse.n++
	stereoscopeUse.Unlock()
	return func() {
		stereoscopeUse.Lock()
		defer stereoscopeUse.Unlock()
		if stereoscopeUse.n--; stereoscopeUse.n == 0 {
			// Deprecated in favour of image.Cleanup, which needs the image
			// a failed provider never returns.
			stereoscope.Cleanup() //nolint:staticcheck
		}
	}
}
