package attack

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/fixtures/shared"
)

var update = flag.Bool("update", false, "rewrite docs/attack-scenarios.md")

func TestCatalogue(t *testing.T) {
	all := Catalogue()
	if len(all) < 25 {
		t.Fatalf("%d scenarios, want at least 25", len(all))
	}
	idRE := regexp.MustCompile(`^attack/[a-z0-9]+-[a-z0-9-]+$`)
	seen := map[string]bool{}
	accepts := map[Profile]int{}
	e := plan.NewEnv(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	for _, s := range all {
		if !idRE.MatchString(s.ID) || s.ID != "attack/"+string(s.Profile)+"-"+s.Name()[len(s.Profile)+1:] {
			t.Errorf("%s: ID does not name its profile %q", s.ID, s.Profile)
		}
		if seen[s.ID] {
			t.Errorf("%s: duplicate ID", s.ID)
		}
		seen[s.ID] = true
		if s.Step < 3 || s.Step > 5 || s.Control == "" || s.Mirrors == "" || s.Title == "" {
			t.Errorf("%s: step %d, control %q, mirrors %q: every scenario names its ENISA step (3-5), control and TUF attack", s.ID, s.Step, s.Control, s.Mirrors)
		}
		switch s.Control {
		case CtlSignature, CtlThreshold, CtlRollback, CtlFreshness, CtlConsistency, CtlIntegrity, CtlEndless, CtlSlow,
			CtlKeyRotation, CtlDelegation, CtlApplicability, CtlTransport, CtlUpdate:
		default:
			t.Errorf("%s: control %q is none of the catalogue's", s.ID, s.Control)
		}
		if s.Expect != attackrun.Accept && s.Expect != attackrun.Reject {
			t.Errorf("%s: expect %q", s.ID, s.Expect)
		}
		if s.Expect == attackrun.Accept {
			accepts[s.Profile]++
		}
		if DefaultClient(s.Profile) != "" {
			continue // built with the real tools in toolattack's tests
		}
		p, err := s.build(e)
		if err != nil {
			t.Errorf("%s: build: %v", s.ID, err)
			continue
		}
		if p.Baseline == nil || p.Attack == nil || len(p.InitRoot) == 0 || len(p.BaseWant) == 0 {
			t.Errorf("%s: incomplete plan", s.ID)
		}
		switch {
		case s.Expect == attackrun.Accept && len(p.Want) == 0:
			t.Errorf("%s: accept scenario without expected content", s.ID)
		case s.Expect == attackrun.Reject && len(p.Want) != 0:
			t.Errorf("%s: reject scenario with expected content", s.ID)
		case s.Hang && len(p.Attack.Special) == 0:
			t.Errorf("%s: a hang scenario must misbehave on some path", s.ID)
		}
	}
	for _, p := range Profiles {
		if accepts[p] == 0 || len(ForProfile(p)) == accepts[p] {
			t.Errorf("%s: %d accept scenarios of %d: want both kinds", p, accepts[p], len(ForProfile(p)))
		}
	}
}

func TestLookup(t *testing.T) {
	got, err := Lookup([]string{"tuf-rollback-timestamp", "attack/manifest-expired"})
	if err != nil || len(got) != 2 || got[0].ID != "attack/tuf-rollback-timestamp" || got[1].ID != "attack/manifest-expired" {
		t.Fatalf("Lookup = %v, %v", got, err)
	}
	if _, err := Lookup([]string{"tuf-nonsense"}); err == nil {
		t.Error("an unknown scenario was accepted")
	}
}

// TestDocsUpToDate: docs/attack-scenarios.md is generated from the catalogue.
func TestDocsUpToDate(t *testing.T) {
	root, ok := shared.ModuleRoot()
	if !ok {
		t.Fatal("module root not found")
	}
	p := filepath.Join(root, "docs", "attack-scenarios.md")
	want := CatalogueMarkdown()
	if *update {
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date: run go test ./checks/attack -run TestDocsUpToDate -update", p)
	}
}

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{in: "craudit tuf-client", want: []string{"craudit", "tuf-client"}},
		{in: `  ./upd  --x 'a b' "c d" e\ f `, want: []string{"./upd", "--x", "a b", "c d", "e f"}},
		{in: `upd ''`, want: []string{"upd", ""}},
		{in: "", bad: true},
		{in: "upd 'open", bad: true},
	} {
		got, err := splitCommand(c.in)
		if c.bad != (err != nil) {
			t.Errorf("%q: err %v", c.in, err)
			continue
		}
		if !c.bad && (len(got) != len(c.want) || func() bool {
			for i := range got {
				if got[i] != c.want[i] {
					return true
				}
			}
			return false
		}()) {
			t.Errorf("%q = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzSplitCommand(f *testing.F) {
	f.Add(`a 'b c' "d" e\ f`)
	f.Fuzz(func(t *testing.T, s string) {
		splitCommand(s)
	})
}

// BenchmarkBuild measures making every scenario's repositories (keys,
// signatures, hostile variants): the harness's own cost per run.
func BenchmarkBuild(b *testing.B) {
	e := plan.NewEnv(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	for b.Loop() {
		for _, s := range Catalogue() {
			if _, err := s.build(e); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestQuoteWord(t *testing.T) {
	for _, w := range []string{"/usr/bin/craudit", "/tmp/my dir/it's", `a"b\c`, ""} {
		got, err := splitCommand(QuoteWord(w) + " manifest-client")
		if err != nil || len(got) != 2 || got[0] != w || got[1] != "manifest-client" {
			t.Errorf("QuoteWord(%q) = %q, splits to %q (%v)", w, QuoteWord(w), got, err)
		}
	}
}

// TestSplitScratch: attacker copies in a driver's scratch folders are a
// detail; anywhere else (the install slot) they are kept content.
func TestSplitScratch(t *testing.T) {
	l := plan.Folders{Client: "/w/c", Scratch: []string{"/w/c/work", "/w/c/repo/tmp"}}
	kept, scratch := l.SplitScratch([]string{"dev/slot/slot.img", "repo/tmp/staging-1/x", "work/rauc-1/download.raucb", "workshop/x"})
	if !slices.Equal(kept, []string{"dev/slot/slot.img", "workshop/x"}) || !slices.Equal(scratch, []string{"repo/tmp", "work"}) {
		t.Errorf("kept %v, scratch %v", kept, scratch)
	}
	if d := plan.ScratchDetail(scratch); !strings.Contains(d, "2 scratch") || !strings.Contains(d, "repo/tmp, work") {
		t.Errorf("detail %q", d)
	}
	if plan.ScratchDetail(nil) != "" {
		t.Error("no scratch copies: no detail")
	}
}

// TestStartOrder: scenarios that hang the client start first (their time is
// the client's, not the CPU's), the others after in catalogue order; every
// scenario starts exactly once.
func TestStartOrder(t *testing.T) {
	for _, p := range Profiles {
		scs := ForProfile(p)
		order := startOrder(scs)
		if len(order) != len(scs) {
			t.Fatalf("%s: %d starts for %d scenarios", p, len(order), len(scs))
		}
		seen := map[int]bool{}
		hangs := 0
		for k, i := range order {
			if seen[i] {
				t.Fatalf("%s: scenario %d starts twice", p, i)
			}
			seen[i] = true
			if scs[i].Hang {
				if k != hangs {
					t.Errorf("%s: hanging scenario %s starts at %d, after a scenario that does not hang", p, scs[i].ID, k)
				}
				hangs++
			}
			if k > 0 && scs[order[k-1]].Hang == scs[i].Hang && order[k-1] > i {
				t.Errorf("%s: %s starts before %s, against catalogue order", p, scs[order[k-1]].ID, scs[i].ID)
			}
		}
		if p == ProfileManifest && hangs == 0 {
			t.Errorf("manifest profile: no hanging scenario (slow retrieval, endless data) in the catalogue")
		}
	}
}
