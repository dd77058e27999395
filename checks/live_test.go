package checks_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/runset"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/fixtures/minibundle"
)

func tRun(p transcript.Profile) *transcript.Run {
	return &transcript.Run{Schema: transcript.Schema, Profile: p, Verdict: transcript.Verified}
}

func aRun(p attackrun.Profile) *attackrun.Run {
	return &attackrun.Run{Schema: attackrun.Schema, Profile: p}
}

// input opens a minibundle holding items; tamper rewrites a file after the
// bundle was signed, so verification refuses it.
func input(t *testing.T, items []minibundle.Item, tamper string) *checks.Input {
	t.Helper()
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{Items: items})
	if err != nil {
		t.Fatal(err)
	}
	if tamper != "" {
		if err := os.WriteFile(filepath.Join(mb.Dir, filepath.FromSlash(tamper)), []byte(`{"schema":"tampered"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := mb.Open(t)
	return checks.Load(b, mb.Root.Public(), minibundle.At, nil)
}

func TestLiveAccessors(t *testing.T) {
	tufSet := transcript.NewSet(tRun(transcript.ProfileTUF), tRun(transcript.ProfileManifest)).JSON()
	manOnly := tRun(transcript.ProfileManifest).JSON()
	attacks := attackrun.NewSet(aRun(attackrun.ProfileTUF)).JSON()
	inBundle := []minibundle.Item{
		{Path: bundle.TranscriptFile, Role: bundle.RoleTranscript, Body: manOnly},
		{Path: bundle.AttackFile, Role: bundle.RoleAttackResults, Body: attacks},
	}
	for _, c := range []struct {
		name     string
		in       func(t *testing.T) *checks.Input
		profiles []transcript.Profile // nil: no runs
		attacks  int
		// err is the kind of the transcript's *checks.EvidenceError (0: none).
		err checks.EvidenceErrorKind
	}{
		{name: "nothing", in: func(*testing.T) *checks.Input { return &checks.Input{} }, err: checks.Absent},
		{name: "a bundle without live evidence", in: func(t *testing.T) *checks.Input { return input(t, nil, "") }, err: checks.Absent},
		{name: "live evidence only", in: func(*testing.T) *checks.Input {
			return &checks.Input{Live: map[string][]byte{bundle.TranscriptFile: tufSet, bundle.AttackFile: attacks}}
		}, profiles: []transcript.Profile{transcript.ProfileTUF, transcript.ProfileManifest}, attacks: 1},
		{name: "from the bundle", in: func(t *testing.T) *checks.Input { return input(t, inBundle, "") },
			profiles: []transcript.Profile{transcript.ProfileManifest}, attacks: 1},
		{name: "live evidence before the bundle's", in: func(t *testing.T) *checks.Input {
			in := input(t, inBundle, "")
			in.Live[bundle.TranscriptFile] = tufSet
			return in
		}, profiles: []transcript.Profile{transcript.ProfileTUF, transcript.ProfileManifest}, attacks: 1},
		{name: "a bundle item changed after signing", in: func(t *testing.T) *checks.Input { return input(t, inBundle, bundle.TranscriptFile) },
			err: checks.Unreadable, attacks: 1},
		{name: "refused by the format", in: func(*testing.T) *checks.Input {
			return &checks.Input{Live: map[string][]byte{bundle.TranscriptFile: []byte(`[` + string(manOnly) + `]`)}}
		}, err: checks.Malformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.in(t)
			runs, err := in.Transcripts()
			var ee *checks.EvidenceError
			if c.err == 0 && err != nil || c.err != 0 && (!errors.As(err, &ee) || ee.Kind != c.err || runs != nil) {
				t.Fatalf("runs %v, err %v; want error kind %d", runs, err, c.err)
			}
			if c.err == checks.Malformed {
				var de *runset.DecodeError
				if !errors.As(err, &de) {
					t.Errorf("%v does not carry the format's typed error", err)
				}
			}
			if len(runs) != len(c.profiles) {
				t.Fatalf("%d runs, want %d", len(runs), len(c.profiles))
			}
			for i, r := range runs {
				if r.Profile != c.profiles[i] {
					t.Errorf("run %d: %s, want %s", i, r.Profile, c.profiles[i])
				}
			}
			as, err := in.AttackRuns()
			if len(as) != c.attacks || (err == nil) != (c.attacks > 0) {
				t.Errorf("attack runs: %d, %v; want %d", len(as), err, c.attacks)
			}
		})
	}
}

// TestLiveDecodedOnce: every caller gets the runs of the first decoding.
func TestLiveDecodedOnce(t *testing.T) {
	in := &checks.Input{Live: map[string][]byte{bundle.TranscriptFile: tRun(transcript.ProfileTUF).JSON(), bundle.AttackFile: []byte("{")}}
	first, err := in.Transcripts()
	if err != nil || len(first) != 1 {
		t.Fatal(first, err)
	}
	in.Live[bundle.TranscriptFile] = []byte("not read again")
	again, err := in.Transcripts()
	if err != nil || len(again) != 1 || again[0] != first[0] {
		t.Errorf("decoded again: %v %v", again, err)
	}
	_, err1 := in.AttackRuns()
	in.Live[bundle.AttackFile] = attackrun.NewSet(aRun(attackrun.ProfileTUF)).JSON()
	_, err2 := in.AttackRuns()
	var de *runset.DecodeError
	if !errors.As(err1, &de) || err1 != err2 {
		t.Errorf("errors %v, %v: the first decoding's error, every time", err1, err2)
	}
}
