package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/fixtures/shared"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

// TestFitToFile reads the demo-like dossier as a filing auditor would,
// through pdftotext (poppler-utils): page 1 carries the opinion with its
// basis and every exception; every Annex VII point is there; each evidence
// hash is printed once, in the index; references are internal links.
func TestFitToFile(t *testing.T) {
	shared.NeedTools(t, "pdftotext")
	// On its own, and as a dossier's PDF, which leaves routine detail to
	// index.html and results.json beside it.
	for _, signer := range []string{"", "dossier-signer"} {
		t.Run("signer="+signer, func(t *testing.T) { fitToFile(t, signer) })
	}
}

func fitToFile(t *testing.T, signer string) {
	d := data(t, dossiertest.Options{})
	d.DossierSigner = signer
	pdf := render(t, d)
	p := filepath.Join(t.TempDir(), "dossier.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	text := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("pdftotext", append(args, p, "-")...).Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		return string(out)
	}
	page1, all := squash(text("-raw", "-f", "1", "-l", "1")), text("-raw")
	flat := squash(all)

	if !strings.Contains(page1, squash(document.Headline(d.Report))) {
		t.Errorf("page 1 lacks the headline %q", document.Headline(d.Report))
	}
	if b := document.BasisOf(d.Report); b.Declared > 0 && !strings.Contains(document.Headline(d.Report), "declared by the manufacturer") {
		t.Errorf("headline %q hides the declarations", document.Headline(d.Report))
	}
	n := 0
	for _, r := range d.Report.Results {
		switch r.Status {
		case checks.Fail, checks.Missing, checks.Error, checks.Waived:
			n++
			if !strings.Contains(page1, r.Check) {
				t.Errorf("exception %s (%s) is not on page 1", r.Check, r.Status)
			}
		}
	}
	if n == 0 {
		t.Fatal("the sample has no exception: the test would prove nothing")
	}
	for _, h := range document.AnnexVII() {
		if !strings.Contains(flat, squash(h.Title)) {
			t.Errorf("no Annex VII heading %q", h.Title)
		}
	}
	for _, s := range []string{"Scope, assessor and reference time", "Limitations", "Evidence index", "Not assessed",
		"(a) Design and development: the system architecture", "Harmonised standards", "Common specifications",
		"European cybersecurity certification schemes", "Other technical specifications"} {
		if !strings.Contains(flat, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
	if compact := strings.Contains(flat, "pass findings"); compact != (signer != "") {
		t.Errorf("passing findings counted instead of listed: %v, want %v (a dossier's PDF only)", compact, signer != "")
	}
	if strings.Contains(all, "shortened") {
		t.Error("a list is cut short")
	}
	hashes := 0
	for _, e := range d.EvidenceIndex() {
		if e.SHA256 == "" {
			continue
		}
		hashes++
		if c := strings.Count(all, e.SHA256); c != 1 {
			t.Errorf("%s (%s): its SHA-256 is printed %d times, want once", e.Ref, e.Path, c)
		}
	}
	if hashes == 0 {
		t.Fatal("no hashed evidence in the sample")
	}
	if links := bytes.Count(pdf, []byte("/Subtype /Link")); links < hashes {
		t.Errorf("%d link annotations: references are not links", links)
	}
	if !bytes.Contains(pdf, []byte("/Dest")) {
		t.Error("no internal link (/Dest)")
	}
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
