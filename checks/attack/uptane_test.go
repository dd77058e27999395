package attack

import (
	"context"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
)

// uptaneWeak builds the small Primaries of testdata/weakprimary (the two
// weak ones and their control group) into a folder removed after the test.
func uptaneWeak(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs Primaries against every Uptane scenario")
	}
	dir := t.TempDir()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	const pkg = "github.com/craudit/craudit/checks/attack/testdata/weakprimary/"
	out, err := exec.Command(goBin, "build", "-o", dir+string(filepath.Separator), pkg+"nocrosscheck", pkg+"nocounter", pkg+"full").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %s", out)
	}
	return dir
}

func vulnerable(r *attackrun.Run) []string {
	var out []string
	for _, s := range r.Scenarios {
		if s.Verdict == attackrun.Vulnerable {
			out = append(out, s.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestUptaneWeakPrimaries: the control group passes every Uptane scenario;
// each weak Primary is VULNERABLE on exactly the scenarios of its weakness
// and passes every other.
func TestUptaneWeakPrimaries(t *testing.T) {
	bin := uptaneWeak(t)
	for _, tc := range []struct {
		client string
		want   []string
	}{
		{"full", nil},
		{"nocrosscheck", []string{"attack/uptane-mix-and-match-hashes", "attack/uptane-mix-and-match-length"}},
		{"nocounter", []string{"attack/uptane-custom-release-counter-mismatch", "attack/uptane-release-counter-rollback"}},
	} {
		t.Run(tc.client, func(t *testing.T) {
			t.Parallel()
			// Every weakprimary bounds its downloads (the verifier's
			// transport): none is held until the deadline.
			r, err := Run(context.Background(), finishOptions(filepath.Join(bin, tc.client), ProfileUptane))
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Scenarios) != len(ForProfile(ProfileUptane)) {
				t.Fatalf("%d scenarios run", len(r.Scenarios))
			}
			if got := vulnerable(r); !slices.Equal(got, tc.want) {
				t.Errorf("VULNERABLE on %v, want %v", got, tc.want)
			}
			for _, s := range r.Scenarios {
				if s.Verdict != attackrun.Pass && !slices.Contains(tc.want, s.ID) {
					t.Errorf("%s: %s (%s; client said: %s)", s.ID, s.Verdict, s.Detail, s.ClientSaid)
				}
			}
		})
	}
}

// TestUptaneReferenceClient: craudit's reference Primary (uptane-client,
// from the lean binary as TestClients runs the others) passes every Uptane
// scenario and is recognised as craudit's own.
func TestUptaneReferenceClient(t *testing.T) {
	bin := binaries(t)
	r, err := Run(context.Background(), finishOptions(filepath.Join(bin, "craudit-client")+" uptane-client", ProfileUptane))
	if err != nil {
		t.Fatal(err)
	}
	if !r.SelfTest || len(r.Scenarios) != len(ForProfile(ProfileUptane)) {
		t.Fatalf("self-test %v, %d scenarios", r.SelfTest, len(r.Scenarios))
	}
	for _, s := range r.Scenarios {
		if s.Verdict != attackrun.Pass {
			t.Errorf("%s: %s (%s; client said: %s)", s.ID, s.Verdict, s.Detail, s.ClientSaid)
		}
	}
}
