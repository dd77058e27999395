package attack

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
)

// splitCommand splits a command line on blanks; single or double quotes
// group words, a backslash escapes the next character.
func splitCommand(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, quote, esc := false, rune(0), false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc, in = false, true
		case r == '\\' && quote != '\'':
			esc = true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 || esc {
		return nil, errors.New("unterminated quote or escape")
	}
	if in {
		out = append(out, cur.String())
	}
	if len(out) == 0 {
		return nil, errors.New("empty command")
	}
	return out, nil
}

// tail keeps the last n bytes written.
type tail struct {
	buf bytes.Buffer
	n   int
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if t.buf.Len() > 2*t.n {
		b := t.buf.Bytes()
		keep := append([]byte(nil), b[len(b)-t.n:]...)
		t.buf.Reset()
		t.buf.Write(keep)
	}
	return len(p), nil
}

func (t *tail) String() string {
	b := t.buf.Bytes()
	if len(b) > t.n {
		b = b[len(b)-t.n:]
	}
	return string(b)
}

// Client runs the updater under test once with the reference time at.
func (h *harness) Client(ctx context.Context, args []string, dir string, at time.Time) (plan.Proc, error) {
	return h.exec(ctx, append(append([]string(nil), h.argv...), args...), dir, at, "the client")
}

// goProgram says whether exe (a path or a name on PATH) is a Go program,
// from the build information Go embeds.
func goProgram(exe string) bool {
	p, err := exec.LookPath(exe)
	if err != nil {
		return false
	}
	_, err = buildinfo.ReadFile(p)
	return err == nil
}

// Command runs a program of a profile's set-up the way the client is run.
func (h *harness) Command(ctx context.Context, argv []string, dir string, at time.Time) (plan.Proc, error) {
	if len(argv) == 0 {
		return plan.Proc{}, errors.New("empty command")
	}
	return h.exec(ctx, argv, dir, at, "")
}

// exec runs argv under the deadline, with the reference time at in
// SOURCE_DATE_EPOCH (and faketime when installed and argv[0] is not a Go
// program: Go reads the clock without libc, so libfaketime cannot move it
// and would only cost a wrapper process per run).
func (h *harness) exec(ctx context.Context, argv []string, dir string, at time.Time, what string) (plan.Proc, error) {
	if what == "" {
		what = argv[0]
	}
	env := append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(at.Unix(), 10))
	faked := h.faketime != "" && !goProgram(argv[0])
	if faked {
		argv = append([]string{h.faketime, "-f", "@" + at.UTC().Format("2006-01-02 15:04:05")}, argv...)
		env = append(env, "TZ=UTC")
	}
	env = append(env, h.o.Env...)
	cctx, cancel := context.WithTimeout(ctx, h.o.Deadline)
	defer cancel()
	cmd := exec.CommandContext(cctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	out := &tail{n: 2048}
	cmd.Stdout, cmd.Stderr = out, out
	setGroup(cmd)
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if faked && cmd.Process != nil {
		releaseFaketime(cmd.Process.Pid)
	}
	res := plan.Proc{Exit: -1, Output: out.String()}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if cctx.Err() != nil {
		res.TimedOut = true
		return res, nil
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		res.Exit = 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.Signaled = true
		} else {
			res.Exit = ee.ExitCode()
		}
	default:
		return res, fmt.Errorf("could not start %s %q: %w", what, argv[0], err)
	}
	return res, nil
}
