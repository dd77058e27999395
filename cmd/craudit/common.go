package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/keys"
)

// referenceTime is the time judging commands judge validity at: the flag, or
// the wall clock. SOURCE_DATE_EPOCH is deliberately ignored here: a
// reproducible-build job may set it to an old date and make expired
// metadata look fresh.
func referenceTime(flag string) (time.Time, string, error) {
	if flag == "" {
		return time.Now().UTC().Truncate(time.Second), "wall clock", nil
	}
	t, err := time.Parse(time.RFC3339, flag)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("--reference-time %q: want RFC 3339, e.g. 2026-11-24T12:00:00Z", flag)
	}
	return t.UTC(), "--reference-time", nil
}

// stampTime is the time outputs are stamped with: SOURCE_DATE_EPOCH when set
// (reproducible outputs), otherwise now.
func stampTime() (time.Time, string, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, "", fmt.Errorf("SOURCE_DATE_EPOCH %q: want a non-negative number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), "SOURCE_DATE_EPOCH", nil
	}
	return time.Now().UTC().Truncate(time.Second), "wall clock", nil
}

// writeOutput writes machine output to --out atomically, or to stdout.
func writeOutput(stdout io.Writer, out string, force bool, data []byte) error {
	if out == "" || out == "-" {
		_, err := stdout.Write(data)
		return err
	}
	return atomicfs.WriteFile(out, data, 0o644, force)
}

func loadTrust(path string) (*keys.PublicKey, error) {
	if path == "" {
		return nil, fmt.Errorf("--trust is required (the manufacturer's root public key)")
	}
	return keys.LoadPublic(path)
}
