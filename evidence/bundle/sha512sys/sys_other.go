//go:build !cgo || !linux

package sha512sys

import (
	"errors"
	"hash"
)

func openSys() (string, error) { return "", errors.New("built without cgo or not on Linux") }

func newSys() hash.Hash { panic("sha512sys: no libcrypto in this build") }

func newSysUnbuffered() hash.Hash { return newSys() }
