package attack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procResult is how one client run ended.
type procResult struct {
	exit     int  // -1 when killed
	timedOut bool // killed by the harness at the deadline
	signaled bool // died of a signal the harness did not send
	output   string
}

func (p procResult) ok() bool { return !p.timedOut && !p.signaled && p.exit == 0 }

// describe says how the run ended, without ports or paths.
func (p procResult) describe() string {
	switch {
	case p.timedOut:
		return "still running at the deadline (killed)"
	case p.signaled:
		return "killed by a signal"
	}
	return fmt.Sprintf("exit %d", p.exit)
}

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

// run executes the client once with the reference time at.
func (h *harness) run(ctx context.Context, args []string, dir string, at time.Time) (procResult, error) {
	argv := append(append([]string(nil), h.argv...), args...)
	env := append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(at.Unix(), 10))
	if h.faketime != "" {
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
	res := procResult{exit: -1, output: out.String()}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if cctx.Err() != nil {
		res.timedOut = true
		return res, nil
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		res.exit = 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.signaled = true
		} else {
			res.exit = ee.ExitCode()
		}
	default:
		return res, fmt.Errorf("could not start the client %q: %w", h.argv[0], err)
	}
	return res, nil
}
