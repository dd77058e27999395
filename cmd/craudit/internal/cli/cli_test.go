package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestReferenceTime(t *testing.T) {
	flagTime := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	epoch := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) // an old build date
	tests := []struct {
		name       string
		flag, sde  string
		rule       TimeRule
		want       time.Time // zero: the wall clock
		wantSource string
		wantErr    bool
	}{
		{"flag wins (judging)", "2026-11-24T13:00:00+01:00", "1577836800", WallClock, flagTime, SourceFlag, false},
		{"flag wins (harness)", "2026-11-24T12:00:00Z", "1577836800", HarnessClock, flagTime, SourceFlag, false},
		{"judging ignores SOURCE_DATE_EPOCH", "", "1577836800", WallClock, time.Time{}, SourceClock, false},
		{"harness honours SOURCE_DATE_EPOCH", "", "1577836800", HarnessClock, epoch, SourceEpoch, false},
		{"harness without it: wall clock", "", "", HarnessClock, time.Time{}, SourceClock, false},
		{"judging without flag: wall clock", "", "", WallClock, time.Time{}, SourceClock, false},
		{"bad flag", "yesterday", "", WallClock, time.Time{}, "", true},
		{"date only is not RFC 3339", "2026-11-24", "", WallClock, time.Time{}, "", true},
		{"bad epoch (harness)", "", "soon", HarnessClock, time.Time{}, "", true},
		{"negative epoch (harness)", "", "-5", HarnessClock, time.Time{}, "", true},
		{"bad epoch is not read when judging", "", "soon", WallClock, time.Time{}, SourceClock, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SOURCE_DATE_EPOCH", tc.sde)
			before := time.Now().UTC().Truncate(time.Second)
			got, src, err := ReferenceTime(tc.flag, tc.rule)
			after := time.Now().UTC()
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %v (%s), want an error", got, src)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src != tc.wantSource {
				t.Errorf("source %q, want %q", src, tc.wantSource)
			}
			if got.Location() != time.UTC {
				t.Errorf("time %v is not UTC", got)
			}
			if tc.want.IsZero() {
				if got.Before(before) || got.After(after) || got.Nanosecond() != 0 {
					t.Errorf("time %v is not the wall clock in whole seconds", got)
				}
			} else if !got.Equal(tc.want) {
				t.Errorf("time %v, want %v", got, tc.want)
			}
		})
	}
}

func TestStampTime(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1767225600")
	got, src, err := StampTime()
	if err != nil || src != SourceEpoch || !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("StampTime = %v, %q, %v", got, src, err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1.5")
	if _, _, err := StampTime(); err == nil {
		t.Error("a fractional SOURCE_DATE_EPOCH was accepted")
	}
}

func TestExecuteExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		runErr  error
		code    int
		wantErr string // in stderr; empty: stderr must be empty
	}{
		{"success", []string{"x"}, nil, 0, ""},
		{"exit 0 with nothing to say", []string{"x"}, Exit(0, nil), 0, ""},
		{"failed", []string{"x"}, Exit(ExitFailed, errors.New("bundle changed")), 1, "tool: bundle changed"},
		{"could not run", []string{"x"}, Exit(ExitCouldNotRun, errors.New("no such file\nsecond line")), 2, "tool: no such file (…)"},
		{"code only", []string{"x"}, Exit(ExitFailed, nil), 1, ""},
		{"wrapped exit error", []string{"x"}, errors.Join(Exit(ExitFailed, errors.New("inner"))), 1, "tool: inner"},
		{"usage error", []string{"x", "--nope"}, nil, 2, "tool: unknown flag: --nope"},
		{"plain error is could not run", []string{"x"}, errors.New("boom"), 2, "tool: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := &cobra.Command{Use: "tool", SilenceErrors: true, SilenceUsage: true}
			root.AddCommand(&cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return tc.runErr }})
			var stdout, stderr bytes.Buffer
			code := Execute(context.Background(), root, tc.args, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if got := strings.TrimSpace(stderr.String()); got != tc.wantErr {
				t.Errorf("stderr %q, want %q", got, tc.wantErr)
			}
		})
	}
}

func TestReference(t *testing.T) {
	root := &cobra.Command{Use: "tool"}
	var f string
	sub := &cobra.Command{Use: "sub FILE", Short: "Does sub", Long: "Longer words.", Example: "  tool sub a",
		RunE: func(*cobra.Command, []string) error { return nil }}
	sub.Flags().StringVar(&f, "format", "text", "text | json")
	hidden := &cobra.Command{Use: "secret", Hidden: true, RunE: func(*cobra.Command, []string) error { return nil }}
	root.AddCommand(sub, hidden)
	doc := string(Reference(root))
	for _, want := range []string{"## tool sub\n\nDoes sub", "tool sub FILE [flags]", "Longer words.", "| `--format` | text \\| json (default `text`) |", "```sh\n  tool sub a\n```"} {
		if !strings.Contains(doc, want) {
			t.Errorf("reference lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "secret") {
		t.Error("a hidden command is in the reference")
	}
}
