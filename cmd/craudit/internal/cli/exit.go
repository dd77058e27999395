package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes of every command.
const (
	ExitOK          = 0
	ExitFailed      = 1 // ran and found noncompliance or a verification failure
	ExitCouldNotRun = 2 // usage, unreadable or malformed input, network
)

// ExitError carries an exit code, and the message to print, to Execute.
type ExitError struct {
	Code int
	Err  error // nil: the command printed its own message
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit ends a command with code; err, when not nil, is printed. Code 0
// with no error is success (nil).
func Exit(code int, err error) error {
	if code == ExitOK && err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// Execute runs one command line and returns its exit code. An error that
// carries no ExitError is cobra's own (bad flags, unknown command): a usage
// error, exit 2. Errors are printed on one line, prefixed with the command's
// name.
func Execute(ctx context.Context, root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(stderr, root.Name()+": "+oneLine(ee.Err))
		}
		return ee.Code
	}
	fmt.Fprintln(stderr, root.Name()+": "+oneLine(err))
	return ExitCouldNotRun
}

// oneLine keeps the first line of a message, marking that more was cut.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " (…)"
	}
	return s
}
