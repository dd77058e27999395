package attack

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/craudit/craudit/evidence/attackrun"
)

// interpreter matches the base names of programs that run a script given as
// their first non-option argument: for them the script, not the
// interpreter, is the updater under test.
var interpreter = regexp.MustCompile(`^(sh|bash|dash|ash|ksh|mksh|zsh|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|lua[0-9.]*|tclsh[0-9.]*|php[0-9.]*)$`)

// inlineFlag says whether an interpreter option takes code (or a module),
// not a file: the command then has no script file, and the interpreter is
// what is hashed.
func inlineFlag(interp, a string) bool {
	switch strings.TrimRight(interp, "0123456789.") {
	case "python":
		return a == "-c" || a == "-m"
	case "perl", "ruby":
		return a == "-e" || a == "-E"
	case "node", "nodejs":
		return a == "-e" || a == "--eval" || a == "-p"
	case "php":
		return a == "-r"
	}
	return a == "-c"
}

// SelfTestLabel names a run of craudit's own reference client wherever it is
// shown: such a run tests the harness and the reference clients, and is never
// a product's evidence.
const SelfTestLabel = attackrun.SelfTestLabel

// craudit's own programs: a client binary built from a main package below
// this path is one of craudit's reference clients, so a run against it is a
// self-test of the harness, never evidence about a product's updater.
const selfPackagePrefix = "github.com/craudit/craudit/cmd/"

// identify resolves the client command's executable (on PATH, from the
// current folder), and the script when the executable is an interpreter,
// rewriting argv so that the client runs exactly the files hashed (the
// client runs in a folder of its own, where a relative path would not
// resolve). It returns the updater record and whether the client is one of
// craudit's own reference clients.
func identify(argv []string, configs []string) ([]string, *attackrun.Updater, bool, error) {
	argv = append([]string(nil), argv...)
	exe, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, nil, false, err
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return nil, nil, false, err
	}
	argv[0] = exe
	self := isCraudit(exe)
	subject := exe
	if interp := interpreterName(exe); !self && interpreter.MatchString(interp) {
		for i := 1; i < len(argv); i++ {
			a := argv[i]
			if inlineFlag(interp, a) {
				break
			}
			if strings.HasPrefix(a, "-") {
				continue
			}
			p, err := filepath.Abs(a)
			if err != nil {
				return nil, nil, false, err
			}
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				return nil, nil, false, fmt.Errorf("the script %s that %s runs: not a readable regular file", a, filepath.Base(exe))
			}
			argv[i], subject = p, p
			break
		}
	}
	sum, err := hashFile(subject)
	if err != nil {
		return nil, nil, false, err
	}
	u := &attackrun.Updater{Name: filepath.Base(subject), Path: subject, SHA256: sum}
	for _, c := range configs {
		p, err := filepath.Abs(c)
		if err != nil {
			return nil, nil, false, err
		}
		s, err := hashFile(p)
		if err != nil {
			return nil, nil, false, fmt.Errorf("--client-config: %w", err)
		}
		u.Configs = append(u.Configs, attackrun.File{Path: p, SHA256: s})
	}
	return argv, u, self, nil
}

// interpreterName is the base name of exe, or of the file its symlink
// names (/usr/bin/sh -> dash, python3 -> python3.11).
func interpreterName(exe string) string {
	if interpreter.MatchString(filepath.Base(exe)) {
		return filepath.Base(exe)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		return filepath.Base(real)
	}
	return filepath.Base(exe)
}

// isCraudit reports whether exe is a Go program built from one of
// craudit's main packages (craudit itself, a test binary of it, or a
// reference client binary), read from the build information Go embeds.
func isCraudit(exe string) bool {
	bi, err := buildinfo.ReadFile(exe)
	if err != nil {
		return false
	}
	return strings.HasPrefix(bi.Path, selfPackagePrefix)
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s: not a regular file", p)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hostOf is the host of host:port (or the string itself).
func hostOf(hp string) string {
	if h, _, err := net.SplitHostPort(hp); err == nil {
		return h
	}
	return hp
}
