package dossier_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/reports/dossier"
	"github.com/craudit/craudit/reports/formats"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

func writeFull(t *testing.T, out string) *dossiertest.Result {
	t.Helper()
	j := dossiertest.Judge(t, dossiertest.Options{})
	err := dossier.Write(dossier.Options{Out: out, Input: j.Input, Report: j.Report, Signer: j.Bundle.Vendor, Renderers: formats.Dossier()})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// Two dossiers of the same inputs, keys and reference time have identical
// reports, although every signature in them differs (ECDSA is randomised).
func TestReportsReproducible(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	ja := writeFull(t, a)
	writeFull(t, b)
	for _, r := range formats.Dossier() {
		x, err := os.ReadFile(filepath.Join(a, r.File()))
		if err != nil {
			t.Fatalf("dossier lacks %s", r.File())
		}
		y, _ := os.ReadFile(filepath.Join(b, r.File()))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two dossiers of the same inputs", r.File())
		}
	}
	sa, _ := os.ReadFile(filepath.Join(a, "evidence/bundle/manifest.json.sig"))
	sb, _ := os.ReadFile(filepath.Join(b, "evidence/bundle/manifest.json.sig"))
	if bytes.Equal(sa, sb) {
		t.Error("the signatures are equal too: the test would not notice a report that prints them")
	}
	v, err := dossier.Verify(a, ja.Bundle.Vendor.Public())
	if err != nil || !v.OK() {
		t.Fatalf("dossier does not verify: %v %+v", err, v)
	}
}

// TestSample writes the full sample dossier and checks what was written:
// every rendered file of the format table, non-empty and sealed in
// SHA256SUMS; results.json holding the judgement; the seal verifying with
// the signer's key. With $CRAUDIT_RENDER_OUT set the dossier is written
// there (scripts/check-render.sh turns it into pictures).
func TestSample(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dossier")
	if dir := os.Getenv("CRAUDIT_RENDER_OUT"); dir != "" {
		out = dir
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
	}
	j := writeFull(t, out)
	sums, err := os.ReadFile(filepath.Join(out, dossier.SumsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range formats.Dossier() {
		b, err := os.ReadFile(filepath.Join(out, r.File()))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", r.File(), len(b), err)
		}
		if !bytes.Contains(sums, []byte("  "+r.File()+"\n")) {
			t.Errorf("%s is not sealed in %s", r.File(), dossier.SumsFile)
		}
	}
	var res checks.Report
	b, _ := os.ReadFile(filepath.Join(out, "results.json"))
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(res.Results) == 0 || len(res.Results) != len(j.Report.Results) || res.Outcome != j.Report.Outcome || res.Summary != j.Report.Summary {
		t.Errorf("results.json holds %d results (%s), the judgement %d (%s)", len(res.Results), res.Outcome, len(j.Report.Results), j.Report.Outcome)
	}
	v, err := dossier.Verify(out, j.Bundle.Vendor.Public())
	if err != nil || !v.OK() || !v.Authenticated {
		t.Fatalf("the sample dossier does not verify: %v %+v", err, v)
	}
	if lines := bytes.Count(sums, []byte("\n")); v.Files != lines || v.Files < len(formats.Dossier()) {
		t.Errorf("verified %d files, %s lists %d", v.Files, dossier.SumsFile, lines)
	}
}

// TestRenders opens index.html in headless Chromium and rasterises
// dossier.pdf with pdftoppm; it needs both (apt-get install chromium
// poppler-utils) and skips without them.
func TestRenders(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed")
	}
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "dossier")
	writeFull(t, out)
	shot := filepath.Join(dir, "index.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1200,1600", "--screenshot="+shot,
		"file://"+filepath.Join(out, "index.html"))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b)
	}
	// One page at a time, so the names do not depend on the page count.
	for _, n := range []string{"1", "3"} {
		if err := exec.Command("pdftoppm", "-r", "50", "-png", "-singlefile", "-f", n, "-l", n, filepath.Join(out, "dossier.pdf"), filepath.Join(dir, "page-"+n)).Run(); err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
	}
	for _, p := range []string{shot, filepath.Join(dir, "page-1.png"), filepath.Join(dir, "page-3.png")} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("no image %s", filepath.Base(p))
		}
		if st.Size() < 10_000 {
			t.Errorf("%s is only %d bytes: a blank page?", filepath.Base(p), st.Size())
		}
	}
}
