package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/thermostat"
)

// TestPaperworkCommands runs notify, declaration and user-info on a real
// bundle whose product.yaml lacks the manufacturer's address: the
// declaration says so (exit 1), and so does a check finding for Annex V.
func TestPaperworkCommands(t *testing.T) {
	in := newReleaseInputs(t)
	write(t, in.product, []byte(strings.Replace(string(thermostat.ProductYAML()), "  address: Musterstrasse 1, 10115 Berlin, Germany\n", "", 1)))
	dir := filepath.Join(t.TempDir(), "bundle")
	if code, _, stderr := craudit(t, in.bundleArgs(dir, nil)...); code != 0 {
		t.Fatalf("bundle: exit %d: %s", code, stderr)
	}
	pw := filepath.Join(t.TempDir(), "paperwork")
	// Judged an hour from now: the keys newReleaseInputs makes are valid from now.
	ref := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	at := []string{"--reference-time", ref.Format(time.RFC3339)}

	code, _, stderr := craudit(t, append([]string{"notify", dir, "--trust", in.root, "--vulnerability", "CVE-2024-2511", "--aware-at", "2026-11-20T08:00:00Z",
		"--kind", "notification", "--out", pw}, at...)...)
	if code != 0 || !strings.Contains(stderr, "DRAFT") || !strings.Contains(stderr, "2026-11-23T08:00:00Z") {
		t.Fatalf("notify: exit %d: %s", code, stderr)
	}
	var d struct {
		Draft, Sent bool
		Deadline    struct{ At, Article string }
	}
	b, err := os.ReadFile(filepath.Join(pw, "art14-CVE-2024-2511-notification.json"))
	if err != nil || json.Unmarshal(b, &d) != nil || !d.Draft || d.Sent || d.Deadline.Article != "CRA Art. 14(2)(b)" {
		t.Fatalf("draft %+v: %v", d, err)
	}
	// The same draft again without --force: refused, nothing changed.
	if code, _, _ := craudit(t, append([]string{"notify", dir, "--trust", in.root, "--vulnerability", "CVE-2024-2511", "--aware-at", "2026-11-20T08:00:00Z",
		"--kind", "notification", "--out", pw}, at...)...); code != 2 {
		t.Errorf("notify over an existing draft: exit %d, want 2", code)
	}

	decl := filepath.Join(pw, "declaration")
	code, _, stderr = craudit(t, append([]string{"declaration", dir, "--trust", in.root, "--signing-key", in.key, "--key-cert", in.cert, "--out", decl}, at...)...)
	if code != 1 || !strings.Contains(stderr, "manufacturer.address") {
		t.Fatalf("declaration without an address: exit %d, want 1: %s", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(decl, "declaration-of-conformity.md"))
	if err != nil || !strings.Contains(string(md), "**MISSING** (product.yaml: manufacturer.address)") || !strings.Contains(string(md), ref.Format(time.DateOnly)) {
		t.Fatalf("declaration: %v\n%s", err, md)
	}
	if code, _, stderr := craudit(t, "dossier", "verify", decl, "--trust", in.root); code != 0 {
		t.Errorf("dossier verify of the signed declaration: exit %d: %s", code, stderr)
	}

	if code, _, stderr := craudit(t, append([]string{"user-info", dir, "--trust", in.root, "--out", pw}, at...)...); code != 1 || !strings.Contains(stderr, "manufacturer.address") {
		t.Errorf("user-info: exit %d, want 1: %s", code, stderr)
	}

	code, stdout, _ := craudit(t, append([]string{"check", dir, "--trust", in.root, "--format", "json"}, at...)...)
	if code != 1 || !strings.Contains(stdout, `"product/declaration-of-conformity#annex-v/2"`) {
		t.Errorf("check: exit %d, want 1 with an Annex V finding", code)
	}

	out := filepath.Join(t.TempDir(), "dossier")
	if code, _, stderr := craudit(t, append([]string{"dossier", dir, "--out", out, "--trust", in.root, "--signing-key", in.key, "--key-cert", in.cert, "--paperwork", pw}, at...)...); code != 1 {
		t.Fatalf("dossier --paperwork: exit %d, want the judgement's 1: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "paperwork/declaration/declaration-of-conformity.pdf")); err != nil {
		t.Errorf("paperwork not enclosed: %v", err)
	}
	if code, _, stderr := craudit(t, "dossier", "verify", out, "--trust", in.root); code != 0 {
		t.Errorf("dossier verify: exit %d: %s", code, stderr)
	}

	// Usage errors and an untrustworthy bundle.
	for name, args := range map[string][]string{
		"bad kind":     {"notify", dir, "--trust", in.root, "--vulnerability", "CVE-1", "--aware-at", "2026-11-20T08:00:00Z", "--kind", "warning", "--out", pw},
		"no aware-at":  {"notify", dir, "--trust", in.root, "--vulnerability", "CVE-1", "--kind", "early-warning", "--out", pw},
		"no vuln":      {"notify", dir, "--trust", in.root, "--aware-at", "2026-11-20T08:00:00Z", "--kind", "early-warning", "--out", pw},
		"no signer":    {"declaration", dir, "--trust", in.root, "--out", filepath.Join(pw, "x")},
		"no trust":     {"user-info", dir, "--out", pw},
		"no paperwork": {"dossier", dir, "--out", filepath.Join(pw, "d"), "--trust", in.root, "--signing-key", in.key, "--paperwork", filepath.Join(pw, "absent")},
	} {
		if code, _, stderr := craudit(t, args...); code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", name, code, stderr)
		}
	}
	flip(t, filepath.Join(dir, "product.yaml"))
	if code, _, stderr := craudit(t, append([]string{"user-info", dir, "--trust", in.root, "--out", filepath.Join(pw, "t")}, at...)...); code != 1 || !strings.Contains(stderr, "failed verification") {
		t.Errorf("user-info of a tampered bundle: exit %d, want 1: %s", code, stderr)
	}
}

// TestDemoPaperwork: the demo drafts an early warning for its waived
// vulnerability, a signed declaration and the user information, encloses
// them in the dossier, and writes them byte-identically on both runs.
func TestDemoPaperwork(t *testing.T) {
	dir, again := sharedDemo(t)
	for _, f := range []string{"art14-CVE-2024-2511-early-warning.json", "art14-CVE-2024-2511-early-warning.md", "user-information.html",
		"user-information.md", "declaration/declaration-of-conformity.pdf", "declaration/declaration-of-conformity.md"} {
		a, err := os.ReadFile(filepath.Join(dir, "paperwork", f))
		if err != nil {
			t.Errorf("demo paperwork: %v", err)
			continue
		}
		if b, _ := os.ReadFile(filepath.Join(again, "paperwork", f)); string(a) != string(b) {
			t.Errorf("paperwork/%s differs between two demo runs", f)
		}
		if c, err := os.ReadFile(filepath.Join(dir, "dossier", "paperwork", f)); err != nil || string(c) != string(a) {
			t.Errorf("dossier/paperwork/%s is not the paperwork's copy: %v", f, err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "dossier", "dossier.md"))
	for _, w := range []string{"## CRA paperwork", "Copy of the EU declaration of conformity", "| **2. Address** | Musterstrasse 1"} {
		if !strings.Contains(string(md), w) {
			t.Errorf("dossier.md lacks %q", w)
		}
	}
	root := filepath.Join(dir, "keys", "root.pub")
	if code, _, stderr := craudit(t, "dossier", "verify", filepath.Join(dir, "paperwork", "declaration"), "--trust", root); code != 0 {
		t.Errorf("dossier verify of the demo declaration: exit %d: %s", code, stderr)
	}
}
