//go:build !linux

package atomicfs

import "errors"

// exchange is not available here; Commit falls back to move-aside.
func exchange(a, b string) error { return errors.ErrUnsupported }
