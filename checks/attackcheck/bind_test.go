package attackcheck_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/checks/attackcheck"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

var steps = []string{"attack/check-for-updates", "attack/retrieve", "attack/verify"}

// flipInPayload edits the signed payload without signing again.
func flipInPayload(t *testing.T, env []byte, from, to string) []byte {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	p, _ := base64.StdEncoding.DecodeString(e["payload"].(string))
	if !strings.Contains(string(p), from) {
		t.Fatalf("payload lacks %q", from)
	}
	e["payload"] = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(p), from, to, 1)))
	b, _ := json.Marshal(e)
	return b
}

func TestAuthenticityAndBinding(t *testing.T) {
	vuln := map[string]attackrun.Verdict{"attack/tuf-freeze-timestamp": attackrun.Vulnerable}
	frozen := results(attack.ProfileTUF, vuln)
	stranger, _ := keys.Generate(keys.ECDSAP256)
	// The forger flips the vulnerable verdict to pass and recounts the summary.
	forged := results(attack.ProfileTUF, vuln)
	for i, s := range forged.Scenarios {
		if s.ID == "attack/tuf-freeze-timestamp" {
			forged.Scenarios[i].Verdict = attackrun.Pass
			forged.Scenarios[i].Detail = "accepted the hostile repository (exit 0)"
		}
	}
	forged.Summarise()
	byStranger, _ := attackrun.Sign(forged.JSON(), stranger, nil)
	other := results(attack.ProfileTUF, nil)
	other.Updater.SHA256 = strings.Repeat("0a", 32)
	self := results(attack.ProfileTUF, nil)
	self.SelfTest, self.Updater = true, nil
	noUpdater := testProduct()
	noUpdater.Updates.Updater = nil
	for _, tc := range []struct {
		name string
		doc  []byte
		p    *product.Product
		want map[string]checks.Status
		msg  string // in every step check's message
	}{
		{"unsigned", results(attack.ProfileTUF, nil).JSON(), testProduct(),
			map[string]checks.Status{"attack/signed-evidence": checks.Fail, "attack/product-updater": checks.Fail}, "unsigned live evidence"},
		{"verdict flipped in the signed payload", flipInPayload(t, signed(t, frozen.JSON()), `"verdict":"vulnerable"`, `"verdict":"pass"`), testProduct(),
			map[string]checks.Status{"attack/signed-evidence": checks.Fail}, "does not verify"},
		{"forged and signed by an unknown key", byStranger, testProduct(),
			map[string]checks.Status{"attack/signed-evidence": checks.Fail, "attack/consistent-results": checks.Fail}, stranger.Public().ID()[:16]},
		{"forged and signed by a trusted key", signed(t, forged.JSON()), testProduct(),
			map[string]checks.Status{"attack/signed-evidence": checks.Pass, "attack/consistent-results": checks.Fail}, "contradict themselves"},
		{"another updater", signed(t, other.JSON()), testProduct(),
			map[string]checks.Status{"attack/signed-evidence": checks.Pass, "attack/product-updater": checks.Fail}, "0a0a0a0a0a0a0a0a"},
		{"reference-client self-test", signed(t, self.JSON()), testProduct(),
			map[string]checks.Status{"attack/product-updater": checks.Missing}, attackcheck.SelfTestLabel},
		{"no updater declared", signed(t, results(attack.ProfileTUF, nil).JSON()), noUpdater,
			map[string]checks.Status{"attack/product-updater": checks.Fail}, "declares no updater"},
		{"no product.yaml", signed(t, results(attack.ProfileTUF, nil).JSON()), nil,
			map[string]checks.Status{"attack/product-updater": checks.Fail}, "product.yaml is missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runWith(map[string][]byte{attackcheck.ResultsPath: tc.doc}, tc.p)
			for id, want := range tc.want {
				if got[id].Status != want {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, want)
				}
			}
			for _, id := range steps {
				if o := got[id]; o.Status == checks.Pass || !strings.Contains(o.Message, tc.msg) {
					t.Errorf("%s: %s %q, want no pass and %q", id, o.Status, o.Message, tc.msg)
				}
			}
		})
	}
	// The declared updater, signed: the binding passes and says what was
	// measured and declared; a self-test beside it is noted, not counted.
	both := signed(t, attackrun.NewSet(results(attack.ProfileTUF, nil), self).JSON())
	got := run(map[string][]byte{attackcheck.ResultsPath: both})
	for _, id := range append(steps, "attack/product-updater", "attack/signed-evidence", "attack/consistent-results") {
		if got[id].Status != checks.Pass {
			t.Errorf("%s: %s (%s), want pass", id, got[id].Status, got[id].Message)
		}
	}
	if m := got["attack/product-updater"].Message; !strings.Contains(m, "thermo-update.sh (sha256 5e5e") || !strings.Contains(m, attackcheck.SelfTestLabel) {
		t.Errorf("binding message %q", m)
	}
}
