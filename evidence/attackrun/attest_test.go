package attackrun_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
)

func TestAttestationRoundTrip(t *testing.T) {
	k, _ := keys.Generate(keys.Ed25519)
	sha := strings.Repeat("ab", 32)
	doc := edit(t, func(r *attackrun.Run) {
		r.Updater = &attackrun.Updater{Name: "thermo-update.sh", Path: "/opt/thermo-update.sh", SHA256: sha,
			Configs: []attackrun.File{{Path: "updater.conf", SHA256: strings.Repeat("cd", 32)}}}
	})
	signed, err := attackrun.Sign(doc, k, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := attackrun.ReadFile(signed)
	if err != nil || !f.Signed() || len(f.Runs) != 1 {
		t.Fatalf("ReadFile: %v %+v", err, f)
	}
	got := f.Attestation.Statement.Subject
	if len(got) != 2 || got[0].Name != "thermo-update.sh" || got[0].Digest["sha256"] != sha || got[1].Name != "updater.conf" {
		t.Errorf("subjects %+v", got)
	}
	if _, err := f.Attestation.Verify(attest.VerifyOptions{Root: k.Public()}); err != nil {
		t.Errorf("verify: %v", err)
	}
	// A plain file is read, unsigned.
	plain, err := attackrun.ReadFile(doc)
	if err != nil || plain.Signed() {
		t.Errorf("plain: %v signed=%v", err, plain.Signed())
	}
	// An updater that was not hashed binds only its command line, and says so.
	unbound, _ := attackrun.Sign(edit(t, func(r *attackrun.Run) { r.Updater = nil }), k, nil)
	f, err = attackrun.ReadFile(unbound)
	if err != nil || !strings.HasPrefix(f.Attestation.Statement.Subject[0].Name, attackrun.UnidentifiedPrefix) {
		t.Errorf("unbound: %v %+v", err, f)
	}
	// A statement whose subjects are not what the runs measured is refused.
	st := &attest.Statement{Type: attest.StatementType, PredicateType: attackrun.PredicateType, Predicate: doc,
		Subject: []attest.Subject{{Name: "thermo-update.sh", Digest: map[string]string{"sha256": strings.Repeat("00", 32)}}}}
	lying, _ := attest.Sign(st, k, nil)
	var se *attest.SubjectError
	if _, err := attackrun.ReadFile(lying); !errors.As(err, &se) {
		t.Errorf("lying subjects: %v", err)
	}
	// Another predicate type is refused.
	st.PredicateType = "https://craudit.dev/attestation/verifier-transcript/v1"
	other, _ := attest.Sign(st, k, nil)
	var de *attest.DecodeError
	if _, err := attackrun.ReadFile(other); !errors.As(err, &de) {
		t.Errorf("transcript predicate as attack results: %v", err)
	}
}

func TestInconsistencies(t *testing.T) {
	runs, err := attackrun.Parse(demoSet(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if bad := r.Inconsistencies(); len(bad) > 0 {
			t.Errorf("the demo's %s run: %v", r.Profile, bad)
		}
	}
	for name, tc := range map[string]struct {
		f    func(r *attackrun.Run)
		want string
	}{
		"reject passed with exit 0": {func(r *attackrun.Run) {
			i := firstWith(r, attackrun.Reject)
			r.Scenarios[i].ExitCode = 0
		}, "exited 0 on a scenario it must reject"},
		"flipped verdict, detail kept": {func(r *attackrun.Run) {
			i := firstWith(r, attackrun.Reject)
			r.Scenarios[i].Detail = "accepted the hostile repository (exit 0)"
		}, "the detail says"},
		"summary not recounted": {func(r *attackrun.Run) {
			r.Scenarios[firstWith(r, attackrun.Reject)].Verdict = attackrun.Vulnerable
		}, "summary counts"},
		"accept passed with exit 1": {func(r *attackrun.Run) {
			r.Scenarios[firstWith(r, attackrun.Accept)].ExitCode = 1
		}, "exited 1 on a valid update"},
		"twice": {func(r *attackrun.Run) {
			r.Scenarios = append(r.Scenarios, r.Scenarios[0])
			r.Summarise()
		}, "listed twice"},
	} {
		r := *runs[0]
		r.Scenarios = append([]attackrun.Result(nil), runs[0].Scenarios...)
		tc.f(&r)
		if got := strings.Join(r.Inconsistencies(), "; "); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
}

func firstWith(r *attackrun.Run, e attackrun.Expect) int {
	for i, s := range r.Scenarios {
		if s.Expect == e && s.Verdict == attackrun.Pass {
			return i
		}
	}
	panic("no passing scenario expecting " + string(e))
}
