package plan_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
)

func TestNewEnv(t *testing.T) {
	ref := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	e, again := plan.NewEnv(ref), plan.NewEnv(ref.Add(time.Hour))
	for name, c := range map[string][]byte{"A": e.A, "B": e.B, "X": e.X} {
		if len(c) != plan.ContentSize {
			t.Errorf("%s: %d bytes, want %d", name, len(c), plan.ContentSize)
		}
	}
	if bytes.Equal(e.A, e.B) || bytes.Equal(e.B, e.X) || bytes.Equal(e.A, e.X) {
		t.Error("the baseline, the update and the attacker's file must differ")
	}
	if !bytes.Equal(e.X, again.X) || !e.Ref.Equal(ref) {
		t.Error("contents must not depend on the run (deterministic), Ref must be the run's")
	}
}

func TestStateBad(t *testing.T) {
	s := plan.NewState(map[string][]byte{"a": []byte("1")})
	if s.Mirror == nil || s.Special == nil {
		t.Fatal("a new state must be ready to take mirror files and special paths")
	}
	if got := s.Bad([]byte("x")).Bad([]byte("y"), []byte("z")); got != s || len(s.Hostile) != 3 {
		t.Errorf("Bad: %d hostile contents, same state %v", len(s.Hostile), got == s)
	}
}
