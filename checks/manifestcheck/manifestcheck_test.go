package manifestcheck

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/fixtures/minibundle"
)

func judge(t *testing.T, o minibundle.Options, damage func(dir string)) map[string]checks.Result {
	t.Helper()
	mb, err := minibundle.Write(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	if damage != nil {
		damage(mb.Dir)
	}
	b := mb.Open(t)
	in := checks.Load(b, mb.Root.Public(), minibundle.At, nil)
	r := checks.Run(context.Background(), Checks(), in, checks.RunOptions{})
	out := map[string]checks.Result{}
	for _, res := range r.Results {
		out[res.Check] = res
	}
	return out
}

func TestChecks(t *testing.T) {
	flip := func(rel string) func(string) {
		return func(dir string) {
			p := filepath.Join(dir, rel)
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o644)
		}
	}
	tests := []struct {
		name   string
		opts   minibundle.Options
		damage func(string)
		want   map[string]checks.Status
	}{
		{"good bundle", minibundle.Options{}, nil, map[string]checks.Status{
			"bundle/integrity": checks.Pass, "manifest/signature": checks.Pass, "manifest/artefacts": checks.Pass,
			"manifest/freshness": checks.Pass, "manifest/rollback-counter": checks.Pass, "manifest/update-type": checks.Pass}},
		{"expired manifest", minibundle.Options{Expired: true}, nil, map[string]checks.Status{
			"manifest/signature": checks.Pass, "manifest/freshness": checks.Fail}},
		{"no rollback counter", minibundle.Options{NoCounter: true}, nil, map[string]checks.Status{
			"manifest/rollback-counter": checks.Fail}},
		{"bad update type", minibundle.Options{UpdateType: "urgent"}, nil, map[string]checks.Status{
			"manifest/update-type": checks.Fail}},
		{"mixed without a reason", minibundle.Options{UpdateType: "mixed"}, nil, map[string]checks.Status{
			"manifest/update-type": checks.Fail}},
		{"mixed, separation not feasible", minibundle.Options{UpdateType: "mixed", ReleaseExtra: "separation_justification: the fix changes the sensor protocol the new feature needs\n"}, nil, map[string]checks.Status{
			"manifest/update-type": checks.Pass}},
		{"feature", minibundle.Options{UpdateType: "feature"}, nil, map[string]checks.Status{
			"manifest/update-type": checks.Pass}},
		{"tampered artefact", minibundle.Options{}, flip("artefacts/fw.bin"), map[string]checks.Status{
			"bundle/integrity": checks.Fail, "manifest/artefacts": checks.Fail, "manifest/signature": checks.Pass}},
		{"tampered manifest", minibundle.Options{}, flip("manifest.json"), map[string]checks.Status{
			"bundle/integrity": checks.Fail, "manifest/signature": checks.Fail, "manifest/freshness": checks.Missing}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := judge(t, tc.opts, tc.damage)
			for id, want := range tc.want {
				if got[id].Status != want {
					t.Errorf("%s: got %s (%s), want %s", id, got[id].Status, got[id].Message, want)
				}
			}
		})
	}
}
