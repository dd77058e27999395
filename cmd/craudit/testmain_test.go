package main

import (
	"os"
	"path/filepath"
	"testing"
)

// asCLI makes the test binary act as craudit when a test re-executes it (the
// attack harness runs `os.Executable() tuf-client ...`, which in a test is
// this binary).
const asCLI = "CRAUDIT_TEST_BINARY_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		main() // as the real binary, with its signal handling (interrupt tests)
	}
	os.Setenv(asCLI, "1") // inherited by re-executed children only
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(filepath.Dir(demoDir))
	}
	os.Exit(code)
}
