package toolkit

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Workdir is a builder's scratch folder (removed when the builder is done).
type Workdir struct{ Dir string }

// NewWorkdir makes a fresh scratch folder under the temporary folder.
func NewWorkdir() (*Workdir, error) {
	d, err := os.MkdirTemp("", "craudit-toolattack-*")
	if err != nil {
		return nil, err
	}
	return &Workdir{Dir: d}, nil
}

// Close removes the folder and everything in it.
func (w *Workdir) Close() { os.RemoveAll(w.Dir) }

// Path is name under the folder.
func (w *Workdir) Path(name string) string { return filepath.Join(w.Dir, name) }

// Write writes name under the folder (making parents) and returns its path.
func (w *Workdir) Write(name string, b []byte) (string, error) {
	p := w.Path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	return p, os.WriteFile(p, b, 0o600)
}

var seq atomic.Int64

// NextTag names a fresh sub-folder of a builder's scratch folder.
func NextTag(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// BuildTimeout bounds one tool run while building a scenario.
const BuildTimeout = 2 * time.Minute

// Run runs a build tool in dir; its output is in the error when it fails.
func Run(dir string, stdin []byte, env []string, argv ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), BuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if len(msg) > 600 {
			msg = msg[len(msg)-600:]
		}
		return nil, fmt.Errorf("%s: %v: %s", strings.Join(argv[:min(len(argv), 3)], " "), err, msg)
	}
	return out.Bytes(), nil
}
