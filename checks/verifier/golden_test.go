package verifier_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/keys"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGoldenManifestSteps pins the steps of a manifest-profile run made with
// seeded keys: IDs, controls, ENISA steps, verdicts and texts. Host and port
// are replaced; request times are not part of the comparison.
func TestGoldenManifestSteps(t *testing.T) {
	f := newManifestRepo(t)
	var err error
	f.root, err = keys.FromSeed(keys.ECDSAP256, []byte("golden root"))
	must(t, err)
	f.vendor, err = keys.FromSeed(keys.ECDSAP256, []byte("golden vendor"))
	must(t, err)
	must(t, os.WriteFile(f.trust, f.root.Public().MarshalPEM(), 0o644))
	f.write()
	o := f.opts()
	o.InstalledVersion = "1.0.0"
	tr := verify(t, o)
	wantOK(t, tr)
	tr.Steps[1].Detail = strings.Join(strings.Fields(tr.Steps[1].Detail)[:1], " ") // TLS version varies by build
	got, err := json.MarshalIndent(struct {
		Verdict string `json:"verdict"`
		Steps   any    `json:"steps"`
		Targets any    `json:"targets"`
	}{tr.Verdict, tr.Steps, tr.Targets}, "", "  ")
	must(t, err)
	got = bytes.ReplaceAll(got, []byte(strings.TrimPrefix(f.srvURL, "https://")), []byte("HOST"))
	got = append(got, '\n')
	golden := filepath.Join("testdata", "manifest-steps.golden.json")
	if *update {
		must(t, os.MkdirAll("testdata", 0o755))
		must(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	must(t, err)
	if !bytes.Equal(got, want) {
		t.Fatalf("steps differ from %s (run with -update after checking):\n%s", golden, got)
	}
}
