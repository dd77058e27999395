package starter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/declare"
	"github.com/craudit/craudit/checks/productcheck"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
)

func TestWrittenFilesLoad(t *testing.T) {
	set := mappings.MustLoad()
	dir := filepath.Join(t.TempDir(), "new")
	written, err := Write(dir, set, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 3 {
		t.Fatalf("wrote %v", written)
	}
	p, _, err := product.LoadProduct(filepath.Join(dir, ProductFile))
	if err != nil {
		t.Fatalf("product.yaml: %v", err)
	}
	a, _, err := product.LoadAnswers(filepath.Join(dir, AnswersFile))
	if err != nil {
		t.Fatalf("answers.yaml: %v", err)
	}
	pol, err := checks.LoadPolicy(filepath.Join(dir, PolicyFile))
	if err != nil {
		t.Fatalf("policy.yaml: %v", err)
	}
	if pol.FailOn != "high" || len(pol.Required) != 0 || pol.MaxDBAge() != 30*24*time.Hour {
		t.Errorf("policy = %+v", pol)
	}
	// One open entry per declaration control, in order.
	ctrls := declare.Controls()
	if len(a.Declarations) != len(ctrls) {
		t.Fatalf("%d declarations for %d controls", len(a.Declarations), len(ctrls))
	}
	for i, d := range a.Declarations {
		if d.Control != ctrls[i].ID() || d.Status != "open" {
			t.Errorf("declaration %d = %+v", i, d)
		}
	}
	// The comments quote what each control asks and what it serves.
	raw, _ := os.ReadFile(filepath.Join(dir, AnswersFile))
	for _, want := range []string{"# Atomic installation", "etsi-en-304-621/req-updates-3 (Atomic updates)", "cra/art-14/2/a (Actively exploited vulnerability, early warning within 24 hours)", "May be not_applicable"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("answers.yaml lacks %q", want)
		}
	}
	// Judged as they are, nothing passes that the manufacturer has not filled
	// in: every declaration and the product facts left empty are open.
	in := &checks.Input{Product: p, Answers: a, RefTime: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Policy: pol, ParseErrs: map[string]error{}, Live: map[string][]byte{}}
	for _, c := range append(declare.Checks(), productcheck.Checks()...) {
		out := c.Run(context.Background(), in)
		if out.Status != checks.Missing {
			t.Errorf("%s on the starter files: %s %q, want missing", c.Info().ID, out.Status, out.Message)
		}
	}
}

func TestWriteRefusesToOverwrite(t *testing.T) {
	set := mappings.MustLoad()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, PolicyFile), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, set, false); !errors.Is(err, atomicfs.ErrExists) {
		t.Fatalf("err = %v, want ErrExists", err)
	}
	// Nothing was written: no mix of old and new files.
	if _, err := os.Stat(filepath.Join(dir, ProductFile)); err == nil {
		t.Error("product.yaml written although policy.yaml existed")
	}
	if _, err := Write(dir, set, true); err != nil {
		t.Fatalf("with force: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, PolicyFile)); string(b) == "mine\n" {
		t.Error("force did not replace policy.yaml")
	}
}
