//go:build !cgo

package pkcs11

import (
	"errors"
	"testing"
)

func TestOpenWithoutCgo(t *testing.T) {
	u, err := ParseURI("pkcs11:object=a?module-path=/m")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(u, nil); !errors.Is(err, ErrNotBuilt) || err.Error() != "pkcs11 support not built (cgo disabled)" {
		t.Fatalf("Open without cgo: %v", err)
	}
}
