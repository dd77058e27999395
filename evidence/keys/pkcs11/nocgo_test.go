package pkcs11

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestBuildWithoutCgo builds and runs this package's tests with
// CGO_ENABLED=0 (this package only, so it is quick): a binary without cgo
// must still build and must refuse a pkcs11: key with ErrNotBuilt
// (TestOpenWithoutCgo).
func TestBuildWithoutCgo(t *testing.T) {
	if os.Getenv("CGO_ENABLED") == "0" {
		t.Skip("already the cgo-less build")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	gobin := runtime.GOROOT() + "/bin/go"
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			t.Skip("go tool not found")
		}
	}
	cmd := exec.Command(gobin, "test", "-count=1", "-v", "-run", "^TestOpenWithoutCgo$", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("CGO_ENABLED=0 go test: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestOpenWithoutCgo") {
		t.Fatalf("the cgo-less test did not run:\n%s", out)
	}
}
