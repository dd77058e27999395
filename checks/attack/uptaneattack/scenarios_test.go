package uptaneattack_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/attack/plan"
	u "github.com/craudit/craudit/checks/attack/uptaneattack"
	"github.com/craudit/craudit/evidence/uptane"
)

var ref = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// targets decodes one repository's served targets metadata with
// evidence/uptane (the verifier's reader) and checks its signatures
// against the root it serves.
func targets(t *testing.T, files map[string][]byte, prefix string) *uptane.Targets {
	t.Helper()
	m, err := uptane.Decode(files[prefix+"targets.json"])
	if err != nil {
		t.Fatalf("%s targets: %v", prefix, err)
	}
	tg, err := m.Targets()
	if err != nil {
		t.Fatalf("%s targets: %v", prefix, err)
	}
	return tg
}

func custom(t *testing.T, tf uptane.TargetFile) *uptane.Custom {
	t.Helper()
	c, err := uptane.ParseCustom(tf.Custom)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBaseline: every builder's baseline assigns release A to the main
// controller in both repositories, with the initial roots the plan gives.
func TestBaseline(t *testing.T) {
	for name, b := range map[string]plan.Builder{
		"valid": u.ValidUpdate, "replay": u.DirectorReplay, "rotation": u.DirectorRootRotation,
		"fast-forward": u.ImageFastForward, "threshold": u.DirectorBelowThreshold, "mix": u.MixAndMatch("hashes"),
	} {
		t.Run(name, func(t *testing.T) {
			e := plan.NewEnv(ref)
			p, err := b(e)
			if err != nil {
				t.Fatal(err)
			}
			f := p.Baseline.Files
			if !bytes.Equal(p.InitRoots[u.Director], f[u.DirectorPrefix+"1.root.json"]) || !bytes.Equal(p.InitRoots[u.Image], f[u.ImagePrefix+"1.root.json"]) {
				t.Fatal("initial roots are not the served version-1 roots")
			}
			if bytes.Equal(p.InitRoots[u.Director], p.InitRoots[u.Image]) {
				t.Fatal("one root for both repositories")
			}
			d := targets(t, f, u.DirectorPrefix)
			c := custom(t, d.Targets[plan.TargetName])
			if len(d.Targets) != 1 || c.ECUs[u.Main.Serial] != u.Main.HardwareID || c.ReleaseCounter != u.CounterA {
				t.Fatalf("director baseline: %+v %+v", d.Targets, c)
			}
			if !bytes.Equal(f[u.ImagePrefix+"targets/"+plan.TargetName], e.A) || !bytes.Equal(p.BaseWant, e.A) {
				t.Fatal("the baseline image is not A")
			}
		})
	}
}

// TestAttacks pins what each hostile state changes.
func TestAttacks(t *testing.T) {
	e := plan.NewEnv(ref)
	build := func(b plan.Builder) *plan.Plan {
		p, err := b(e)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("mix-and-match", func(t *testing.T) {
		for _, kind := range []string{"hashes", "length"} {
			p := build(u.MixAndMatch(kind))
			d := targets(t, p.Attack.Files, u.DirectorPrefix).Targets[plan.TargetName]
			i := targets(t, p.Attack.Files, u.ImagePrefix).Targets[plan.TargetName]
			if d.Hashes["sha256"] == i.Hashes["sha256"] || (kind == "hashes") != (d.Length == i.Length) {
				t.Fatalf("%s: director %+v image %+v", kind, d, i)
			}
			if len(p.Attack.Hostile) != 2 {
				t.Fatal("hostile content not recorded")
			}
		}
	})
	t.Run("repeated-ecu", func(t *testing.T) {
		d := targets(t, build(u.DirectorRepeatedECU).Attack.Files, u.DirectorPrefix)
		n := 0
		for _, tf := range d.Targets {
			if _, ok := custom(t, tf).ECUs[u.Main.Serial]; ok {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("main controller named %d times", n)
		}
	})
	t.Run("delegations", func(t *testing.T) {
		if d := targets(t, build(u.DirectorDelegations).Attack.Files, u.DirectorPrefix); d.Delegations == nil || len(d.Delegations.Roles) != 1 {
			t.Fatal("no delegation in the Director")
		}
	})
	t.Run("counters", func(t *testing.T) {
		p := build(u.CounterRollback)
		if c := custom(t, targets(t, p.Attack.Files, u.DirectorPrefix).Targets[plan.TargetName]); c.ReleaseCounter != u.CounterOld {
			t.Fatalf("rollback counter %d", c.ReleaseCounter)
		}
		p = build(u.CounterMismatch)
		dc := custom(t, targets(t, p.Attack.Files, u.DirectorPrefix).Targets[plan.TargetName])
		ic := custom(t, targets(t, p.Attack.Files, u.ImagePrefix).Targets[plan.TargetName])
		if dc.ReleaseCounter == ic.ReleaseCounter {
			t.Fatal("counters match")
		}
	})
	t.Run("replay", func(t *testing.T) {
		p := build(u.DirectorReplay)
		m, err := uptane.Decode(p.Attack.Files[u.DirectorPrefix+"timestamp.json"])
		if err != nil {
			t.Fatal(err)
		}
		ts, err := m.Timestamp()
		if err != nil || ts.Version != 1 {
			t.Fatalf("replayed timestamp: %+v %v", ts, err)
		}
	})
	t.Run("specials", func(t *testing.T) {
		p := build(u.Misbehave(u.DirectorPrefix, metadata.TARGETS, plan.Slow))
		if p.Attack.Special[u.DirectorPrefix+"targets.json"].Kind != plan.Slow || p.Attack.Special[u.DirectorPrefix+"3.targets.json"].Kind != plan.Slow {
			t.Fatalf("specials: %v", p.Attack.Special)
		}
		p = build(u.Misbehave(u.ImagePrefix, "image", plan.Endless))
		if p.Attack.Special[u.ImagePrefix+"targets/"+plan.TargetName].Kind != plan.Endless || len(p.Attack.Special) != 3 {
			t.Fatalf("specials: %v", p.Attack.Special)
		}
	})
}

// TestSignatures: the served metadata verifies under evidence/uptane with
// the keys its root lists (the scenarios attack one thing at a time).
func TestSignatures(t *testing.T) {
	p, err := u.ValidUpdate(plan.NewEnv(ref))
	if err != nil {
		t.Fatal(err)
	}
	for _, prefix := range []string{u.DirectorPrefix, u.ImagePrefix} {
		rm, err := uptane.Decode(p.Attack.Files[prefix+"root.json"])
		if err != nil {
			t.Fatal(err)
		}
		root, err := rm.Root()
		if err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"root", "timestamp", "snapshot", "targets"} {
			m, err := uptane.Decode(p.Attack.Files[prefix+""+role+".json"])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Verify(role, root.Keys, root.Roles[role]); err != nil {
				t.Errorf("%s%s: %v", prefix, role, err)
			}
		}
	}
}
