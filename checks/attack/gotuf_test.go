package attack

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
)

// TestStockGoTUFClient runs every TUF scenario against a stock go-tuf v2
// updater (testdata/gotufclient: metadata/updater with its default
// fetcher): the harness must not fail a sound client, so no accept scenario
// may come out as a functional failure, and every other verdict than pass
// must say why.
//
// go-tuf's default fetcher reads a response with http.DefaultClient (no
// timeout) and io.ReadAll up to the size limit, with no minimum rate: a
// server dripping a file keeps it waiting until the last byte. Both
// slow-retrieval scenarios are therefore VULNERABLE for it, rightly; if a
// go-tuf upgrade bounds downloads, this test fails and the expectation
// below must be revisited.
func TestStockGoTUFClient(t *testing.T) {
	t.Parallel() // mostly waits on deadlines: overlaps TestClients' runs
	client := filepath.Join(binaries(t), "gotufclient")
	res, err := Run(context.Background(), testOptions(client, ProfileTUF))
	if err != nil {
		t.Fatal(err)
	}
	scs := ForProfile(ProfileTUF)
	if len(res.Scenarios) != len(scs) {
		t.Fatalf("%d results for %d scenarios", len(res.Scenarios), len(scs))
	}
	byID := map[string]Scenario{}
	for _, s := range scs {
		byID[s.ID] = s
	}
	for _, r := range res.Scenarios {
		s := byID[r.ID]
		switch {
		case r.Verdict == attackrun.FunctionalFailure || r.Verdict == attackrun.Inconclusive:
			t.Errorf("%s: %s: %s", r.ID, r.Verdict, r.Detail)
		case s.Control == CtlSlow:
			if r.Verdict != attackrun.Vulnerable || !strings.Contains(r.Detail, "slow-retrieval attack") || !strings.Contains(r.Detail, "kept waiting") {
				t.Errorf("%s: %s (%s), want VULNERABLE with the slow-retrieval explanation", r.ID, r.Verdict, r.Detail)
			}
		case r.Verdict != attackrun.Pass:
			t.Errorf("%s: %s: %s (no weakness of go-tuf's is known here)", r.ID, r.Verdict, r.Detail)
		}
	}
	if t.Failed() {
		t.Logf("%s", res.Text())
	}
}
