package main

import (
	"encoding/json"

	"bytes"
	"fmt"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/fixtures/thermostat"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var (
	demoOnce       sync.Once
	demoDir, again string
	demoErr        string
)

// sharedDemo runs the demo twice, concurrently, once per test binary, at a
// fixed SOURCE_DATE_EPOCH: most of a run is waiting on slow hostile
// scenarios, so two overlap well. Tests that change a demo work on a copy.
func sharedDemo(t *testing.T) (string, string) {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "craudit-demo-test-")
		if err != nil {
			demoErr = err.Error()
			return
		}
		demoDir, again = filepath.Join(dir, "demo"), filepath.Join(dir, "again")
		os.Setenv("SOURCE_DATE_EPOCH", demoEpoch)
		defer os.Unsetenv("SOURCE_DATE_EPOCH")
		errs := make([]string, 2)
		var wg sync.WaitGroup
		for i, out := range []string{demoDir, again} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, stdout, stderr := craudit(t, "demo", "--out", out)
				switch {
				case code != 0:
					errs[i] = fmt.Sprintf("demo exit %d: %s", code, stderr)
				case !strings.HasSuffix(strings.TrimSpace(stdout), filepath.Join("dossier", "index.html")):
					errs[i] = "demo did not print the dossier path: " + stdout
				}
			}()
		}
		wg.Wait()
		demoErr = strings.TrimSpace(strings.Join(errs, " "))
	})
	if demoErr != "" {
		t.Fatal(demoErr)
	}
	return demoDir, again
}

// demoEpoch is 2026-11-24T00:00:00Z.
const demoEpoch = "1795478400"

func TestDemoLayout(t *testing.T) {
	d, _ := sharedDemo(t)
	for _, f := range []string{
		"keys/root.key", "keys/root.pub", "keys/vendor.key", "keys/vendor.pub", "keys/vendor.cert.json", "keys/vendor.cert.json.sig",
		"release/thermostat-fw-1.0.0.tar", "release/thermostat-fw-1.0.1.tar", "release/product.yaml", "release/release.yaml", "release/answers.yaml",
		"release/thermostat-updater.sh",
		"bundle/bundle.json", "bundle/bundle.json.sig", "bundle/manifest.json", "bundle/manifest.json.sig", "bundle/sbom.cdx.json",
		"bundle/artefacts/thermostat-fw-1.0.1.tar", "bundle/keys/signer.pub",
		"dossier/index.html", "dossier/results.json", "dossier/SHA256SUMS", "dossier/SHA256SUMS.sig", "dossier/signer.pub",
		"dossier/evidence/bundle/bundle.json", "dossier/evidence/live/transcript.json",
		"paperwork/thermo-demo-st100-1_0_1.json", "paperwork/thermo-demo-st100-1_0_1-vex.json",
	} {
		if _, err := os.Stat(filepath.Join(d, f)); err != nil {
			t.Errorf("demo lacks %s", f)
		}
	}
	for _, k := range []string{"keys/root.key", "keys/vendor.key"} {
		if st, err := os.Stat(filepath.Join(d, k)); err == nil && st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", k, st.Mode().Perm())
		}
	}
	// The demo release passes its own gate honestly, judged against its live
	// repository; without live evidence the verifier checks are missing.
	trust, ref := filepath.Join(d, "keys/root.pub"), "2026-11-24T00:00:00Z"
	code, out, _ := craudit(t, "check", filepath.Join(d, "bundle"), "--trust", trust, "--reference-time", ref)
	if code != 1 || !strings.Contains(out, "MISS verifier/signature") {
		t.Errorf("check without live evidence: exit %d, want 1 with the verifier checks missing\n%s", code, out)
	}
	srv, err := repo.Serve(filepath.Join(d, "repository"), "127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A copy of the repository served on 127.0.0.1 is not the repository
	// product.yaml declares: the transcript gathered (authentic) does not
	// count for the product. The vendor-signed attack results do verify.
	code, out, stderr := craudit(t, "check", filepath.Join(d, "bundle"), "--trust", trust, "--reference-time", ref,
		"--repo", srv.URL, "--ca", srv.CAPath, "--policy", filepath.Join(d, "release/policy.yaml"),
		"--attack-results", filepath.Join(d, "dossier/evidence/live/attack-results.json"))
	for _, want := range []string{"PASS verifier/signed-evidence", "FAIL verifier/product-repository", "PASS attack/signed-evidence", "PASS attack/consistent-results"} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("check --repo of the demo bundle: exit %d, want 1 with %q\n%s\n%s", code, want, out, stderr)
		}
	}
	// Until the demo serves its declared repository name and attacks its
	// own updater (issue 13, product binding), its live evidence is
	// authentic but not the product's: those are its only failures.
	var res struct {
		Outcome string `json:"outcome"`
		Results []struct{ Check, Status string }
	}
	b, _ := os.ReadFile(filepath.Join(d, "dossier/results.json"))
	if err := json.Unmarshal(b, &res); err != nil || res.Outcome == "" {
		t.Fatalf("demo dossier results: %v", err)
	}
	for _, r := range res.Results {
		switch {
		case strings.HasSuffix(r.Check, "/signed-evidence") && r.Status != "pass":
			t.Errorf("demo dossier: %s %s, want its live evidence signed by the vendor", r.Check, r.Status)
		case r.Status == "fail" && !strings.HasPrefix(r.Check, "verifier/") && !strings.HasPrefix(r.Check, "attack/"):
			t.Errorf("demo dossier: %s fails", r.Check)
		}
	}
	// The dossier is judged again from what it encloses, and agrees.
	if code, _, stderr := craudit(t, "dossier", "verify", filepath.Join(d, "dossier"), "--trust", trust); code != 0 || !strings.Contains(stderr, "re-judged") {
		t.Errorf("dossier verify --trust of the demo: exit %d\n%s", code, stderr)
	}
	if code, _, _ := craudit(t, "dossier", "verify", filepath.Join(d, "dossier")); code != 1 {
		t.Errorf("dossier verify of the demo without --trust: exit %d, want 1", code)
	}
	// The summary line on stderr counts every result (check and dossier
	// once left not_applicable out: 61 of 63).
	var all struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &all); err != nil || len(all.Results) == 0 {
		t.Fatalf("results.json: %v", err)
	}
	_, _, stderr = craudit(t, "check", filepath.Join(d, "bundle"), "--trust", trust, "--reference-time", ref,
		"--format", "json", "--out", filepath.Join(t.TempDir(), "results.json"))
	counts, _, _ := strings.Cut(strings.TrimSpace(stderr), ":")
	sum := 0
	for _, part := range strings.Split(counts, ", ") {
		n, err := strconv.Atoi(strings.Fields(part)[0])
		if err != nil {
			t.Fatalf("summary line %q: %v", stderr, err)
		}
		sum += n
	}
	if sum != len(all.Results) || !strings.Contains(counts, "not applicable") {
		t.Errorf("summary line %q counts %d results, want all %d", stderr, sum, len(all.Results))
	}
}

// TestDemoBindsLiveEvidence: the demo reaches its repository under the name
// product.yaml declares and says where it really went; it attacks the
// thermostat's own updater, whose digest product.yaml declares, and runs
// craudit's clients only as a labelled self-test, shown apart in the dossier.
func TestDemoBindsLiveEvidence(t *testing.T) {
	d, _ := sharedDemo(t)
	var ts struct {
		Runs []struct {
			Profile         string `json:"profile"`
			Repository      string `json:"repository"`
			ImageRepository string `json:"image_repository"`
			Contacted       *struct {
				Address, Resolve string
				Leaf             string `json:"tls_leaf_sha256"`
			} `json:"contacted"`
		} `json:"runs"`
	}
	readPredicate(t, filepath.Join(d, "dossier/evidence/live/transcript.json"), transcript.PredicateType, &ts)
	if len(ts.Runs) != 3 {
		t.Fatalf("%d transcripts, want 3 (manifest, tuf, uptane)", len(ts.Runs))
	}
	for _, r := range ts.Runs {
		want := thermostat.RepositoryURL
		if r.Profile == "uptane" {
			// The Director and the Image repository lie below the declared URL.
			want = thermostat.RepositoryURL + "/uptane/director"
			if r.ImageRepository != thermostat.RepositoryURL+"/uptane/image" {
				t.Errorf("uptane transcript's Image repository %s", r.ImageRepository)
			}
		}
		if c := r.Contacted; r.Repository != want || c == nil || !strings.HasPrefix(c.Address, "127.0.0.1:") ||
			!strings.HasPrefix(c.Resolve, thermostat.RepositoryHost()+":443:127.0.0.1:") || len(c.Leaf) != 64 {
			t.Errorf("transcript of %s, contacted %+v", r.Repository, r.Contacted)
		}
	}
	var as struct {
		Runs []struct {
			Profile  string `json:"profile"`
			SelfTest bool   `json:"self_test"`
			Updater  *struct {
				Name, SHA256 string
			} `json:"updater"`
			Summary struct{ Total, Pass int } `json:"summary"`
		} `json:"runs"`
	}
	readPredicate(t, filepath.Join(d, "dossier/evidence/live/attack-results.json"), attackrun.PredicateType, &as)
	product, self := 0, 0
	for _, r := range as.Runs {
		switch {
		case r.SelfTest:
			self++
		case r.Updater != nil && r.Updater.SHA256 == thermostat.UpdaterSHA256() && r.Profile == "manifest" && r.Summary.Total > 0 && r.Summary.Pass == r.Summary.Total:
			product++
		default:
			t.Errorf("attack run %+v is neither the thermostat updater passing every scenario nor a self-test", r)
		}
	}
	if product != 1 || self != 3 {
		t.Errorf("%d product runs and %d self-test runs, want 1 and 3 (tuf, manifest, uptane)", product, self)
	}
	md, _ := os.ReadFile(filepath.Join(d, "dossier/dossier.md"))
	prod, selfSec, ok := strings.Cut(string(md), "### Reference-client self-test (not product evidence)")
	_, prod, _ = strings.Cut(prod, "### Attack scenarios: the product's updater")
	if !ok || !strings.Contains(prod, "thermostat-updater.sh") || strings.Contains(prod, "tuf-client") || strings.Contains(prod, "manifest-client") || strings.Contains(prod, "uptane-client") ||
		!strings.Contains(selfSec, "reference-client self-test") {
		t.Errorf("dossier.md does not keep the self-test apart from the product's attack results")
	}
}

// readPredicate decodes the predicate of a signed live-evidence file (the
// demo signs its live evidence) into v; plain JSON is a test failure.
func readPredicate(t *testing.T, p, predicateType string, v any) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a, err := attest.Decode(b, predicateType)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	if err := json.Unmarshal(a.Statement.Predicate, v); err != nil {
		t.Fatalf("%s: predicate: %v", p, err)
	}
}

func readJSON(t *testing.T, p string, v any) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
}

func TestDemoIsReproducible(t *testing.T) {
	d, other := sharedDemo(t)
	for _, f := range []string{"dossier/results.json", "dossier/index.html", "dossier/dossier.md", "dossier/dossier.pdf", "bundle/sbom.cdx.json", "release/thermostat-fw-1.0.1.tar",
		"paperwork/thermo-demo-st100-1_0_1.json", "paperwork/thermo-demo-st100-1_0_1-vex.json"} {
		a, _ := os.ReadFile(filepath.Join(d, f))
		b, _ := os.ReadFile(filepath.Join(other, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two demo runs with the same SOURCE_DATE_EPOCH", f)
		}
	}
	if code, _, _ := craudit(t, "demo", "--out", other); code != 2 {
		t.Errorf("demo overwrote an existing folder without --force: exit %d", code)
	}
}

// demoPDFPages is the demo dossier's page budget (issue 17): a PDF an
// auditor files, every exception and Annex VII point in it.
const demoPDFPages = 12

// TestDemoPDFPages pins the demo's PDF to its page budget, counted from
// the page tree (the count of /Type /Page objects must agree).
func TestDemoPDFPages(t *testing.T) {
	d, _ := sharedDemo(t)
	pdf, err := os.ReadFile(filepath.Join(d, "dossier/dossier.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`/Type /Pages\s*/Kids \[[^\]]*\]\s*/Count (\d+)`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("dossier.pdf has no page tree")
	}
	n, _ := strconv.Atoi(string(m[1]))
	if objs := bytes.Count(pdf, []byte("/Type /Page\n")); objs != n {
		t.Fatalf("page tree counts %d pages, the file has %d page objects", n, objs)
	}
	if n > demoPDFPages {
		t.Errorf("the demo's dossier.pdf has %d pages, over its budget of %d", n, demoPDFPages)
	}
}

func TestDemoSignaturesAndTampering(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	src, _ := sharedDemo(t)
	d := filepath.Join(t.TempDir(), "demo")
	if err := exec.Command("cp", "-a", src, d).Run(); err != nil {
		t.Fatal(err)
	}
	opensslVerify := func() error {
		return exec.Command("openssl", "dgst", "-sha256", "-verify", filepath.Join(d, "keys/vendor.pub"),
			"-signature", filepath.Join(d, "bundle/manifest.json.sig"), filepath.Join(d, "bundle/manifest.json")).Run()
	}
	if err := opensslVerify(); err != nil {
		t.Fatalf("openssl rejects the demo manifest signature: %v", err)
	}
	trust := filepath.Join(d, "keys/root.pub")
	if code, _, stderr := craudit(t, "bundle", "verify", filepath.Join(d, "bundle"), "--trust", trust); code != 0 {
		t.Fatalf("bundle verify of the untouched demo: %d %s", code, stderr)
	}
	if code, _, stderr := craudit(t, "dossier", "verify", filepath.Join(d, "dossier"), "--trust", trust); code != 0 {
		t.Fatalf("dossier verify of the untouched demo: %d %s", code, stderr)
	}
	flip(t, filepath.Join(d, "bundle/manifest.json"))
	if err := opensslVerify(); err == nil {
		t.Error("openssl accepted a manifest with a flipped byte")
	}
	code, _, stderr := craudit(t, "bundle", "verify", filepath.Join(d, "bundle"), "--trust", trust)
	if code != 1 || !strings.Contains(stderr, "manifest.json") {
		t.Errorf("bundle verify after a flipped manifest byte: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := craudit(t, "check", filepath.Join(d, "bundle"), "--trust", trust); code != 1 {
		t.Errorf("check of a tampered bundle: exit %d, want 1", code)
	}
	flip(t, filepath.Join(d, "dossier/evidence/bundle/artefacts/thermostat-fw-1.0.1.tar"))
	if code, _, _ := craudit(t, "dossier", "verify", filepath.Join(d, "dossier"), "--trust", trust); code != 1 {
		t.Errorf("dossier verify after a flipped evidence byte: exit %d, want 1", code)
	}
}

func flip(t *testing.T, p string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
